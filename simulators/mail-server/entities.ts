import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/** An e-mail as the SMTP server received it: one row per envelope recipient. */
export const ReceivedMessage = defineEntity({
  name: 'ReceivedMessage',
  tableName: 'messages',
  properties: {
    id: p.uuid().primary(),
    /** The envelope recipient, lower-cased so look-ups ignore case. */
    recipient: p.string().length(254),
    sender: p.text(),
    subject: p.text(),
    text: p.text(),
    html: p.text().nullable(),
    messageId: p.text().nullable(),
    receivedAt: p.datetime(),
  },
  indexes: [{ properties: ['recipient', 'receivedAt'] }],
});
export type ReceivedMessage = InferEntity<typeof ReceivedMessage>;

export const mailServerEntities = [ReceivedMessage];
