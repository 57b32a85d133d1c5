/** @module The API key list and the audit trail, read from the primary: an operator's view, never cached. */
import { type AuditRecord, loadAuditPage } from '../../db/audit.ts';
import { loadApiKeyList } from '../../db/queries.ts';
import { readQuery } from '../query.ts';
import type { DataScope } from '../scope.ts';

export const readApiKeyList = (scope: DataScope) => readQuery(scope, (db) => loadApiKeyList(db), scope.deps.db);

export const readAuditPage = (
  scope: DataScope,
  issuerId: string | undefined,
  before: number | undefined,
  limit: number,
): Promise<AuditRecord[]> => readQuery(scope, (db) => loadAuditPage(db, issuerId, before, limit), scope.deps.db);
