// Reason codes and the Dutch and English sentences a caseworker reads. They name columns, sheets
// and counts, never the values in the cells.
import type { ColumnFinding, ReadFailure, ReadFailureCode, Reason } from '../types.js';
import type { RuleMatch } from './rules.js';
import { RECOGNIZERS } from '../recognizers/index.js';

interface Text {
  nl: string;
  en: string;
}

/** What a matching value of each entity is called, to say "135 geldige burgerservicenummers": each recognizer's own label. */
const ENTITY_LABELS = new Map(RECOGNIZERS.map((recognizer) => [recognizer.id, recognizer.label]));

/** What each default rule means, put before the columns it found. '' when the columns say it all. */
export const RULE_LEADS: Record<string, Text> = {
  'bsn-column': { nl: '', en: '' },
  'education-number-column': { nl: '', en: '' },
  'special-category-with-identifier': {
    nl: 'Gegevens over gezondheid of andere bijzondere persoonsgegevens naast gegevens die personen aanwijzen',
    en: 'Health or other special-category data next to data that identifies people',
  },
  'direct-identifier-with-personal-data': {
    nl: 'Gegevens die personen direct aanwijzen, samen met andere persoonsgegevens',
    en: 'Data that directly identifies people, together with other personal data',
  },
  'quasi-identifier-combination': {
    nl: 'Een combinatie van gegevens die samen een persoon herkenbaar maakt',
    en: 'A combination of data that together singles out a person',
  },
  'people-list': {
    nl: 'Een lijst van personen',
    en: 'A list of people',
  },
};

const BLOCKED: Text = {
  nl: 'Het bestand wordt daarom tegengehouden.',
  en: 'The file is therefore blocked.',
};

const FAILURES: Record<ReadFailureCode, { code: string } & Text> = {
  encrypted: {
    code: 'file-encrypted',
    nl: 'Het bestand is met een wachtwoord beveiligd of versleuteld en kan niet worden gecontroleerd.',
    en: 'The file is password-protected or encrypted and cannot be checked.',
  },
  corrupt: {
    code: 'file-corrupt',
    nl: 'Het bestand is beschadigd en kan niet worden gelezen.',
    en: 'The file is damaged and cannot be read.',
  },
  truncated: {
    code: 'file-truncated',
    nl: 'Het bestand is onvolledig (afgebroken) en kan niet worden gelezen.',
    en: 'The file is incomplete (cut off) and cannot be read.',
  },
  'too-large': {
    code: 'file-too-large',
    nl: 'Het bestand is groter dan toegestaan.',
    en: 'The file is larger than allowed.',
  },
  'archive-too-deep': {
    code: 'archive-too-deep',
    nl: 'Het archief bevat te diep geneste archieven.',
    en: 'The archive holds archives nested too deeply.',
  },
  'archive-too-many-entries': {
    code: 'archive-too-many-entries',
    nl: 'Het archief bevat te veel bestanden.',
    en: 'The archive holds too many files.',
  },
  'archive-too-large': {
    code: 'archive-too-large',
    nl: 'Het archief is uitgepakt groter dan toegestaan.',
    en: 'The archive is larger than allowed once unpacked.',
  },
  'archive-ratio': {
    code: 'archive-ratio',
    nl: 'Het archief is verdacht sterk ingepakt (mogelijk een zip-bom).',
    en: 'The archive is suspiciously highly compressed (possibly a zip bomb).',
  },
  'archive-uninspectable': {
    code: 'archive-uninspectable',
    nl: 'Het bestand is een archief (zoals 7z, rar of cab) dat niet kan worden gecontroleerd.',
    en: 'The file is an archive (such as 7z, rar or cab) that cannot be checked.',
  },
  timeout: {
    code: 'scan-timeout',
    nl: 'De controle van het bestand duurde te lang.',
    en: 'Checking the file took too long.',
  },
  cancelled: {
    code: 'scan-cancelled',
    nl: 'De controle van het bestand is afgebroken.',
    en: 'Checking the file was cancelled.',
  },
  'internal-error': {
    code: 'scan-error',
    nl: 'Bij de controle van het bestand ging iets mis.',
    en: 'Something went wrong while checking the file.',
  },
};

/** A file that could not be read is blocked (fail closed), with the reason why. */
export function failureReason(failure: ReadFailure): Reason {
  const known = FAILURES[failure.code] ?? FAILURES['internal-error'];
  const where = failure.path ? { nl: ` (in '${failure.path}')`, en: ` (in '${failure.path}')` } : { nl: '', en: '' };
  return {
    code: known.code,
    nl: `${known.nl}${where.nl} ${BLOCKED.nl}`,
    en: `${known.en}${where.en} ${BLOCKED.en}`,
    ...(failure.path ? { path: failure.path } : {}),
  };
}

/** One reason for a rule that held on a sheet, naming the columns that made it hold. */
export function ruleReason(match: RuleMatch): Reason {
  const lead = match.rule.message ?? RULE_LEADS[match.rule.id] ?? { nl: `Regel '${match.rule.id}'`, en: `Rule '${match.rule.id}'` };
  const first = match.columns[0]!;
  return {
    code: match.rule.id,
    nl: explain(lead.nl, match.columns, 'nl'),
    en: explain(lead.en, match.columns, 'en'),
    ...(first.path ? { path: first.path } : {}),
    sheet: first.sheet,
    entity: first.entity,
    column: match.columns.map((column) => column.header || column.column).join(', '),
    count: Math.max(...match.columns.map((column) => column.matches)),
  };
}

const WORDS = {
  nl: { column: 'Kolom', sheet: 'op blad', others: (n: number) => `en ${n} ${n === 1 ? 'andere kolom' : 'andere kolommen'}` },
  en: { column: 'Column', sheet: 'on sheet', others: (n: number) => `and ${n} other ${n === 1 ? 'column' : 'columns'}` },
};
/** Columns named in one message; the rest are counted, so the message stays readable. */
const NAMED_COLUMNS = 5;

/**
 * Where a finding is, as a reader would say it: "op blad 'Export' in 'selectie.xlsx'", or '' for
 * the file itself. A text file's one table carries the file's own name, or none: it is no sheet.
 */
export function placeOf(finding: Pick<ColumnFinding, 'path' | 'sheet'>, language: 'nl' | 'en'): string {
  const document = finding.path.slice(finding.path.lastIndexOf('/') + 1);
  const sheet = finding.sheet && finding.sheet !== document ? `${WORDS[language].sheet} '${finding.sheet}'` : '';
  return [sheet, finding.path ? `in '${finding.path}'` : ''].filter(Boolean).join(' ');
}

/**
 * One column: "Kolom 'BSN' op blad 'Export': 135 geldige burgerservicenummers." Several:
 * "<lead>. Op blad 'Export': kolom 'Achternaam' (996 namen), kolom 'Rij-ID' (996 ...)."
 */
function explain(lead: string, columns: readonly ColumnFinding[], language: 'nl' | 'en'): string {
  const words = WORDS[language];
  const first = columns[0]!;
  const where = placeOf(first, language);
  if (!lead && columns.length === 1) {
    return `${[columnName(first, language), where].filter(Boolean).join(' ')}: ${counted(first, language)}.`;
  }
  const named = columns
    .slice(0, NAMED_COLUMNS)
    .map((column) => `${columnName(column, language, 'lower')} (${counted(column, language)})`)
    .join(', ');
  const rest = columns.length > NAMED_COLUMNS ? ` ${words.others(columns.length - NAMED_COLUMNS)}` : '';
  const intro = [lead, capitalise(where)].filter(Boolean).join('. ');
  return intro ? `${intro}: ${named}${rest}.` : `${capitalise(named)}${rest}.`;
}

function capitalise(text: string): string {
  return text.slice(0, 1).toUpperCase() + text.slice(1);
}

function columnName(finding: ColumnFinding, language: 'nl' | 'en', letterCase: 'upper' | 'lower' = 'upper'): string {
  const words = WORDS[language];
  const column = letterCase === 'upper' ? words.column : words.column.toLowerCase();
  return finding.header ? `${column} '${finding.header}'` : `${column} ${finding.column}`;
}

/** "135 geldige burgerservicenummers", never the values themselves. */
export function counted(finding: ColumnFinding, language: 'nl' | 'en'): string {
  const label = ENTITY_LABELS.get(finding.entity)?.[language] ?? { one: finding.entity, other: finding.entity };
  return `${formatCount(finding.matches, language)} ${finding.matches === 1 ? label.one : label.other}`;
}

/** 11062 -> '11.062' in Dutch, '11,062' in English: written out by hand, the same in every browser. */
export function formatCount(count: number, language: 'nl' | 'en'): string {
  return String(count).replace(/\B(?=(\d{3})+$)/g, language === 'nl' ? '.' : ',');
}
