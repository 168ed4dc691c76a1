import type { RequestHandler } from 'express';
import type { Catalogue } from '../../catalogue/catalogue.js';

/**
 * GET /catalogue: the sections and how to show them. Serialized once: it only changes with a new
 * exporter (or CURRENCY / REPORT_TIMEZONE), so clients revalidate with the `generatedFrom` ETag.
 */
export function catalogueRoute(catalogue: Catalogue): RequestHandler {
  const body = JSON.stringify(catalogue);
  const etag = `"${catalogue.generatedFrom}"`;
  return (req, res) => {
    res.set({ 'Cache-Control': 'no-cache', ETag: etag });
    const known = (req.headers['if-none-match'] ?? '').split(',').map((tag) => tag.trim().replace(/^W\//, ''));
    if (known.includes(etag)) return void res.status(304).end();
    res.type('application/json').send(body);
  };
}
