import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { createServiceApp } from '../../platform/http/app';
import type { ServiceContext } from '../../platform/service-main';
import { catalogRoutes } from './routes';

export const catalogSpec: unknown = parse(readFileSync(path.resolve(__dirname, '../../openapi/catalog.yaml'), 'utf8'));

export function createCatalogApp({ orm, logger, auth }: ServiceContext) {
  return createServiceApp({ name: 'catalog', orm, logger, auth, spec: catalogSpec, routes: catalogRoutes(orm) });
}
