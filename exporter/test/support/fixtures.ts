import { randomUUID } from 'node:crypto';
import type pg from 'pg';

/** Small SQL helpers that put exactly the rows a test needs into a test database. */
export function fixtures(pool: pg.Pool) {
  const insert = async (table: string, row: Record<string, unknown>): Promise<string> => {
    const id = (row.id as string | undefined) ?? randomUUID();
    const values = { id, ...row };
    const columns = Object.keys(values);
    await pool.query(
      `INSERT INTO "${table}" (${columns.map((column) => `"${column}"`).join(', ')}) VALUES (${columns.map((_, index) => `$${index + 1}`).join(', ')})`,
      Object.values(values),
    );
    return id;
  };
  const withTimestamps = (row: Record<string, unknown>) => ({ updatedAt: new Date(), ...row });
  return {
    user: (row: Record<string, unknown> = {}) => insert('User', withTimestamps({ email: `${randomUUID()}@test.example`, passwordHash: '!', ...row })),
    device: (userId: string, row: Record<string, unknown> = {}) => insert('Device', withTimestamps({ userId, name: 'device', ...row })),
    message: (deviceId: string, row: Record<string, unknown>) => insert('Message', { deviceId, remoteJid: 'jid', ...row }),
    integration: (userId: string, row: Record<string, unknown>) => insert('Integration', { userId, name: 'integration', ...row }),
    chatbot: (userId: string, row: Record<string, unknown> = {}) => insert('Chatbot', { userId, name: 'bot', ...row }),
    chatbotSession: (chatbotId: string, row: Record<string, unknown>) => insert('ChatbotSession', { chatbotId, contactPhone: randomUUID(), ...row }),
    broadcast: (userId: string, row: Record<string, unknown>) => insert('Broadcast', { userId, name: 'broadcast', ...row }),
    contact: (userId: string, row: Record<string, unknown> = {}) => insert('Contact', { userId, name: 'contact', phone: '0812', ...row }),
    webhook: (userId: string, row: Record<string, unknown>) => insert('Webhook', { userId, url: 'https://hook.example', ...row }),
    apiKey: (userId: string) => insert('ApiKey', { userId, name: 'key', keyHash: randomUUID() }),
    apiKeyUsage: (apiKeyId: string, day: string, requestsIn: number, requestsOut: number) =>
      pool.query('INSERT INTO "ApiKeyUsage" ("apiKeyId", "day", "requestsIn", "requestsOut") VALUES ($1, $2, $3, $4)', [
        apiKeyId,
        day,
        requestsIn,
        requestsOut,
      ]),
    payment: (userId: string, row: Record<string, unknown>) => insert('Payment', { userId, ...row }),
  };
}
