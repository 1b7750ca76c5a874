// Definitions of the documentation endpoints (served by openapi/routes.ts) and of GET /metrics
// (served by src/metrics; defined here so the document describes it too).
import { z } from 'zod';
import { defineRoute } from './define.ts';

const TAGS = ['Documentation'];

export const docsApi = {
  document: defineRoute({
    operationId: 'getOpenApiDocument',
    method: 'get',
    path: '/api/openapi.json',
    summary: 'This document (OpenAPI 3.1)',
    tags: TAGS,
    access: 'public',
    responses: { 200: { description: 'The OpenAPI document', schema: z.record(z.string(), z.unknown()) } },
  }),
  page: defineRoute({
    operationId: 'getApiDocsPage',
    method: 'get',
    path: '/api/docs',
    summary: 'This document as a page (Swagger UI, served from this server: works offline)',
    tags: TAGS,
    access: 'public',
    responses: { 200: { description: 'An HTML page', contentType: 'text/html' } },
  }),
  asset: defineRoute({
    operationId: 'getApiDocsAsset',
    method: 'get',
    path: '/api/docs/assets/:file',
    summary: "The docs page's scripts, styles and icons",
    description: 'Cached for a year when requested with the current `v`; 304 for a matching If-None-Match.',
    tags: TAGS,
    access: 'public',
    params: z.object({ file: z.string().meta({ description: 'File name', examples: ['swagger-ui.css'] }) }),
    responses: {
      200: { description: 'The file', contentType: ['text/css', 'text/javascript', 'image/png'] },
      304: { description: 'Not modified (If-None-Match)' },
    },
    errors: { 404: ['NOT_FOUND'] },
  }),
};

export const metricsApi = {
  metrics: defineRoute({
    operationId: 'getMetrics',
    method: 'get',
    path: '/metrics',
    summary: 'Prometheus metrics: runs, durations, queue depth, retries, lease recoveries, scheduler up',
    description: 'Prometheus text exposition format. For a scraper: `Authorization: Bearer $METRICS_TOKEN`.',
    tags: ['Operations'],
    access: 'metrics',
    responses: { 200: { description: 'Metrics in Prometheus text format', contentType: 'text/plain' } },
  }),
};
