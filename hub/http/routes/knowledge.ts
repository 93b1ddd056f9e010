// The tenant's knowledge base: documents (text, markdown, HTML) cleaned, chunked, de-duplicated,
// embedded and stored before the response; plus a search route to see what the agent would find.
import { z, type OpenAPIHono } from '@hono/zod-openapi';
import type { HubContext } from '../../context';
import { requireTenant, actorOf, type Env } from '../principal';
import { route, IdParam, Ok } from '../route';
import { withTenant } from '../../store/tenant';
import { appendAudit } from '../../security/audit';
import { AppError, notFound } from '../errors';
import { ingestDocument, listDocuments, deleteDocument, searchKnowledge, presentDocument, type DocumentRow } from '../../../agents/knowledge/store';
import { embeddingsFor } from '../../../agents/providers';
import { LLMError } from '../../../agents/providers/openai/errors';
import { meterEmbeddings } from '../../../agents/usage';

/** A failing embedding provider is a 502 the caller can retry, not a 500 that looks like our bug. */
async function viaProvider<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof LLMError) throw new AppError('provider_unavailable', `the embedding provider failed (${err.code}): ${err.message}`);
    throw err;
  }
}

const MAX_DOCUMENT_CHARS = 1_000_000;

const Document = z.object({ id: z.string(), title: z.string(), source: z.string().nullable(), format: z.enum(['text', 'markdown', 'html']), status: z.string(),
  chunkCount: z.number().int(), createdAt: z.string(), duplicate: z.boolean() }).openapi('KnowledgeDocument');
const DocumentInput = z.object({
  title: z.string().trim().min(1).max(300),
  content: z.string().min(1).max(MAX_DOCUMENT_CHARS),
  format: z.enum(['text', 'markdown', 'html']).default('text'),
  source: z.string().max(2000).optional(),
}).openapi('KnowledgeDocumentInput');

export function knowledgeRoutes(app: OpenAPIHono<Env>, ctx: HubContext) {
  app.openapi(route({ method: 'post', path: '/v1/knowledge', tags: ['Knowledge'], summary: 'Add a document (chunked and embedded before the response; the same content twice is one document)',
    status: 201, body: DocumentInput, response: Document }), async (c) => {
    const p = requireTenant(c, { scope: 'knowledge', roles: ['owner', 'admin'] });
    const body = c.req.valid('json');
    const meter = meterEmbeddings(embeddingsFor(ctx.config));
    const doc = await viaProvider(() => ingestDocument(ctx.sql, meter.embeddings, p.tenantId, body));
    await meter.flush(ctx.sql, { tenantId: p.tenantId, conversationId: null });
    if (!doc.duplicate) {
      await withTenant(ctx.sql, p.tenantId, (tx) => appendAudit(tx, { tenantId: p.tenantId, ...actorOf(p), action: 'knowledge.added', targetType: 'knowledge_document', targetId: doc.id, data: { chunks: doc.chunkCount } }));
    }
    return c.json(doc, 201);
  });

  app.openapi(route({ method: 'get', path: '/v1/knowledge', tags: ['Knowledge'], summary: 'List documents', response: z.object({ data: z.array(Document) }) }), async (c) => {
    const p = requireTenant(c, { scope: 'knowledge' });
    return c.json({ data: await withTenant(ctx.sql, p.tenantId, (tx) => listDocuments(tx)) }, 200);
  });

  app.openapi(route({ method: 'get', path: '/v1/knowledge/search', tags: ['Knowledge'], summary: 'Hybrid search (vector + full text) as the agent sees it',
    query: z.object({ q: z.string().trim().min(1).max(1000), k: z.coerce.number().int().min(1).max(20).default(5) }),
    response: z.object({ data: z.array(z.object({ documentId: z.string(), title: z.string(), source: z.string().nullable(), content: z.string(), score: z.number(), similarity: z.number() })) }) }), async (c) => {
    const p = requireTenant(c, { scope: 'knowledge' });
    const q = c.req.valid('query');
    const meter = meterEmbeddings(embeddingsFor(ctx.config));
    const hits = await viaProvider(() => searchKnowledge(ctx.sql, meter.embeddings, p.tenantId, q.q, { k: q.k }));
    await meter.flush(ctx.sql, { tenantId: p.tenantId, conversationId: null });
    return c.json({ data: hits.map((h) => ({ documentId: h.documentId, title: h.title, source: h.source, content: h.content, score: h.score, similarity: h.similarity })) }, 200);
  });

  app.openapi(route({ method: 'get', path: '/v1/knowledge/{id}', tags: ['Knowledge'], summary: 'Get a document with its content', params: IdParam,
    response: Document.extend({ content: z.string() }) }), async (c) => {
    const p = requireTenant(c, { scope: 'knowledge' });
    const [row] = await withTenant(ctx.sql, p.tenantId, (tx) => tx<(DocumentRow & { content: string })[]>`select * from knowledge_documents where id = ${c.req.valid('param').id}`);
    if (!row) throw notFound('document');
    return c.json({ ...presentDocument(row), content: row.content }, 200);
  });

  app.openapi(route({ method: 'delete', path: '/v1/knowledge/{id}', tags: ['Knowledge'], summary: 'Delete a document and its chunks', params: IdParam, response: Ok }), async (c) => {
    const p = requireTenant(c, { scope: 'knowledge', roles: ['owner', 'admin'] });
    const { id } = c.req.valid('param');
    await withTenant(ctx.sql, p.tenantId, async (tx) => {
      if (!(await deleteDocument(tx, id))) throw notFound('document');
      await appendAudit(tx, { tenantId: p.tenantId, ...actorOf(p), action: 'knowledge.deleted', targetType: 'knowledge_document', targetId: id });
    });
    return c.json({ ok: true as const }, 200);
  });

}
