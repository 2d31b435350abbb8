// What a refused sender needs to hear to get unstuck, in Dutch and English: who can approve (by
// name, from the user directory) and how. Written for a caseworker, so it names the extension and
// its settings page, never a header or an API route.
import type { UserInfo } from '../../shared/api.js';

export interface HowToApprove {
  /** Names of the colleagues who may approve this sender's send. */
  approvers: string[];
  nl: string;
  en: string;
}

export function howToApprove(sender: UserInfo | undefined, approversOf: (team: string) => UserInfo[]): HowToApprove {
  if (!sender) {
    return {
      approvers: [],
      nl: 'export-guard weet niet wie je bent. Open de instellingen van de export-guard-extensie in je browser en vul het token in dat je van IT kreeg; vraag IT om de extensie als je die niet hebt. Verstuur het bericht daarna opnieuw: een goedkeurder van je team krijgt het dan te zien.',
      en: 'export-guard does not know who you are. Open the settings of the export-guard extension in your browser and enter the token IT gave you; ask IT for the extension if you do not have it. Then send the message again: an approver of your team will see it.',
    };
  }
  const approvers = approversOf(sender.team).filter((a) => a.id !== sender.id).map((a) => a.name);
  if (approvers.length === 0) {
    return {
      approvers,
      nl: 'Je team heeft nog geen collega die mag goedkeuren: vraag IT om een goedkeurder aan te wijzen.',
      en: 'Your team has no colleague who may approve yet: ask IT to appoint an approver.',
    };
  }
  const names = approvers.join(', ');
  return {
    approvers,
    nl: `Goedkeuren kan: ${names}. Verstuur het bericht met de export-guard-extensie in je browser: die vraagt de goedkeuring aan, de goedkeurder keurt goed met de export-guard-knop in de werkbalk, en daarna gaat het bericht vanzelf weg.`,
    en: `Who can approve: ${names}. Send the message with the export-guard extension in your browser: it asks for the approval, the approver approves with the export-guard button in the toolbar, and then the message goes out by itself.`,
  };
}
