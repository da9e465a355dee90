import { Type } from '@sinclair/typebox';
import { openApiDocument, type OpenApiInfo } from '../openapi';
import { defineRoute, type RouteDefinition } from '../route';

// A page that needs nothing from outside: it reads /openapi.json and lists every operation.
const DOCS_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>durable-jobs HTTP API</title>
<style>body{font:15px system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}
code{background:#f3f3f3;padding:0 .2em}details{margin:.4rem 0}pre{background:#f7f7f7;padding:.6rem;overflow:auto}</style>
</head><body><h1>durable-jobs HTTP API</h1>
<p>The machine-readable document: <a href="/openapi.json"><code>/openapi.json</code></a> (OpenAPI 3.1).</p>
<div id="operations">Loading…</div>
<script>
fetch('/openapi.json').then((response) => response.json()).then((doc) => {
  const list = document.getElementById('operations');
  list.textContent = '';
  for (const [path, operations] of Object.entries(doc.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      const details = document.createElement('details');
      const summary = document.createElement('summary');
      summary.innerHTML = '<code></code> ';
      summary.firstChild.textContent = method.toUpperCase() + ' ' + path;
      summary.append(operation.summary || '');
      const body = document.createElement('pre');
      body.textContent = JSON.stringify({ parameters: operation.parameters, requestBody: operation.requestBody, responses: operation.responses }, null, 2);
      details.append(summary, body);
      list.append(details);
    }
  }
});
</script></body></html>
`;

/** GET /openapi.json and GET /docs, describing `routes` and themselves. */
export function docsRoutes(routes: RouteDefinition[], info: OpenApiInfo): RouteDefinition[] {
  const own: RouteDefinition[] = [
    defineRoute({
      method: 'GET',
      path: '/openapi.json',
      access: 'public',
      summary: 'This document (OpenAPI 3.1)',
      tags: ['documentation'],
      schema: {
        responses: {
          200: {
            description: 'The OpenAPI document',
            schema: Type.Object({ openapi: Type.String(), info: Type.Object({}), paths: Type.Object({}) }),
          },
        },
      },
      handler: async () => ({ status: 200, body: document }),
    }),
    defineRoute({
      method: 'GET',
      path: '/docs',
      access: 'public',
      summary: 'A page listing every operation',
      tags: ['documentation'],
      schema: {
        responses: { 200: { description: 'HTML', contentType: 'text/html', schema: Type.String() } },
      },
      handler: async () => ({
        status: 200,
        body: DOCS_PAGE,
        headers: { 'content-type': 'text/html; charset=utf-8' },
      }),
    }),
  ];
  const document = openApiDocument([...routes, ...own], info);
  return own;
}
