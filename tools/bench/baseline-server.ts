import type { Server } from 'node:http';
import express from 'express';
import type { BaselineChat } from './baseline-chat';

export interface BaselineServer { baseUrl: string; close(): Promise<void> }

/**
 * The baseline's HTTP face, in the bench's own process as in the origin design: the reply is produced
 * inside the request (no queue), so a slow LLM holds the client's connection for the whole turn.
 * Routes mirror turnq's so the same load driver measures both.
 */
export async function startBaselineServer(chat: BaselineChat): Promise<BaselineServer> {
  const app = express();
  app.use(express.json({ limit: '64kb' }));

  app.post('/v1/sessions', async (req, res, next) => {
    try {
      const id = await chat.createSession(String(req.body?.userId ?? 'anonymous'));
      res.status(201).json({ id });
    } catch (err) {
      next(err);
    }
  });

  app.post('/v1/sessions/:id/turns', async (req, res, next) => {
    try {
      const content = req.body?.content;
      if (typeof content !== 'string' || !content) { res.status(400).json({ detail: 'content: required' }); return; }
      const result = await chat.processTurn(req.params.id, content);
      if (!result) { res.status(404).json({ detail: 'sessionId: no such session' }); return; }
      res.status(200).json({ status: 'completed', ...result, timings: { totalMs: Math.round(result.processingMs) } });
    } catch (err) {
      next(err);
    }
  });

  app.use((err: Error, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    res.status(500).json({ detail: err.message });
  });

  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  server.keepAliveTimeout = 65_000;
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
