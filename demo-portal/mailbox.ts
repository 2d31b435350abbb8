// The portal's state, in memory: uploaded attachments, sent group messages and each job seeker's
// inbox (Mijn Werkmap). A restart empties it, which is what a demo wants.
import { randomUUID } from 'node:crypto';

export interface StoredAttachment {
  id: string;
  name: string;
  type: string;
  bytes: Buffer;
  uploadedBy: string;
}

export interface SentMessage {
  id: string;
  from: string;
  subject: string;
  body: string;
  attachmentIds: string[];
  recipientIds: string[];
  sentAt: string;
}

export interface SendRequest {
  recipientIds: string[];
  subject: string;
  body: string;
  attachmentIds: string[];
}

export class InvalidSend extends Error {}

export class Mailbox {
  private readonly attachments = new Map<string, StoredAttachment>();
  private readonly messages: SentMessage[] = [];
  private readonly inboxes = new Map<string, SentMessage[]>();

  constructor(private readonly knownRecipient: (id: string) => boolean) {}

  addAttachment(name: string, type: string, bytes: Buffer, uploadedBy: string): StoredAttachment {
    const attachment = { id: `att-${randomUUID()}`, name, type, bytes, uploadedBy };
    this.attachments.set(attachment.id, attachment);
    return attachment;
  }

  get attachmentCount(): number {
    return this.attachments.size;
  }

  attachment(id: string): StoredAttachment | undefined {
    return this.attachments.get(id);
  }

  /** Validates the whole request before delivering anything: a send reaches everyone or no one. */
  send(from: string, request: unknown): SentMessage {
    const { recipientIds, subject, body, attachmentIds } = parseSend(request);
    const unknownRecipient = recipientIds.find((id) => !this.knownRecipient(id));
    if (unknownRecipient) throw new InvalidSend(`unknown recipient '${unknownRecipient}'`);
    const unknownAttachment = attachmentIds.find((id) => !this.attachments.has(id));
    if (unknownAttachment) throw new InvalidSend(`unknown attachment '${unknownAttachment}'`);
    const message: SentMessage = {
      id: `msg-${randomUUID()}`,
      from,
      subject,
      body,
      attachmentIds,
      recipientIds: [...new Set(recipientIds)],
      sentAt: new Date().toISOString(),
    };
    this.messages.push(message);
    for (const id of message.recipientIds) {
      const inbox = this.inboxes.get(id) ?? [];
      inbox.push(message);
      this.inboxes.set(id, inbox);
    }
    return message;
  }

  inbox(jobSeekerId: string): SentMessage[] {
    return this.inboxes.get(jobSeekerId) ?? [];
  }

  sent(): readonly SentMessage[] {
    return this.messages;
  }
}

function parseSend(request: unknown): SendRequest {
  if (typeof request !== 'object' || request === null) throw new InvalidSend('body must be a JSON object');
  const { recipientIds, subject, body, attachmentIds = [] } = request as Record<string, unknown>;
  if (!isStringArray(recipientIds) || recipientIds.length === 0) {
    throw new InvalidSend('recipientIds must be a non-empty array of strings');
  }
  if (typeof subject !== 'string' || subject.trim() === '') throw new InvalidSend('subject must be a non-empty string');
  if (typeof body !== 'string') throw new InvalidSend('body must be a string');
  if (!isStringArray(attachmentIds)) throw new InvalidSend('attachmentIds must be an array of strings');
  return { recipientIds, subject, body, attachmentIds };
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}
