import express from 'express';
import { RequestContext, type EntityManager, type MikroORM } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { methodNotAllowed, problemErrorHandler, requestLogging, routeNotFound, sendProblem } from '../../platform/http/app';
import { HttpProblem } from '../../platform/http/problem';
import { parseRequest } from '../../platform/http/validate';
import { pageQuery } from '../../platform/http/zod-helpers';
import type { Logger } from '../../platform/logger';
import { loadSpec } from '../../platform/openapi';
import type { components } from './api.gen';
import { ReceivedMessage } from './entities';
import { serveSimulatorBasics } from '../simulator';

export const mailServerSpec = loadSpec('mail-server.yaml');

const ListMessagesQuery = z.strictObject({ to: z.string().min(1).max(254).optional(), ...pageQuery });

export async function listMessages(em: EntityManager, query: z.output<typeof ListMessagesQuery>): Promise<components['schemas']['MessagePage']> {
  const [messages, total] = await em.findAndCount(ReceivedMessage, query.to ? { recipient: query.to.toLowerCase() } : {}, {
    orderBy: { receivedAt: 'desc', id: 'desc' },
    limit: query.limit,
    offset: query.offset,
  });
  return {
    items: messages.map((message) => ({
      id: message.id,
      to: message.recipient,
      from: message.sender,
      subject: message.subject,
      text: message.text,
      ...(message.html ? { html: message.html } : {}),
      ...(message.messageId ? { messageId: message.messageId } : {}),
      receivedAt: message.receivedAt.toISOString(),
    })),
    total,
    limit: query.limit,
    offset: query.offset,
  };
}

export function createMailServerApp({ orm, logger }: { orm: MikroORM; logger: Logger }): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(requestLogging(logger));
  app.use((_req, _res, next) => RequestContext.create(orm.em, next));

  serveSimulatorBasics(app, {
    name: 'mail-server',
    title: 'mail server simulator',
    orm,
    spec: mailServerSpec,
    notReady: (res, error) => sendProblem(res, new HttpProblem(503, 'not-ready', 'The database is not reachable', String(error)).toBody()),
  });

  app.get('/messages', async (req, res) => {
    // The mailbox holds addresses: never cached on the way.
    res.setHeader('Cache-Control', 'no-store');
    res.json(await listMessages(RequestContext.getEntityManager() as EntityManager, parseRequest('query', ListMessagesQuery, req.query)));
  });

  app.use(methodNotAllowed(mailServerSpec));
  app.use(routeNotFound);
  app.use(problemErrorHandler);
  return app;
}
