/** @module Wallet pickups in data access: each statement on the primary, an outage a 503. */
import * as wallet from '../../db/wallet.ts';
import type { Writer } from '../../db/writes.ts';
import { readQuery } from '../query.ts';
import type { DataScope } from '../scope.ts';

export const storeClaimCode = (scope: DataScope, assertionId: string, codeHash: string, expiresAt: Date, writer: Writer) =>
  readQuery(
    scope,
    (db) => wallet.insertClaimCode(db, assertionId, codeHash, expiresAt, { principal: writer.principal, action: 'assertion.claim-code' }),
    scope.deps.db,
  );

export const openExchange = (scope: DataScope, exchange: Parameters<typeof wallet.openExchange>[1]) =>
  readQuery(scope, (db) => wallet.openExchange(db, exchange), scope.deps.db);

/** Read from the primary: an exchange is used moments after it is opened, before a replica may have it. */
export const readExchange = (scope: DataScope, id: string) => readQuery(scope, (db) => wallet.loadExchange(db, id), scope.deps.db);

export const useExchange = (scope: DataScope, id: string) => readQuery(scope, (db) => wallet.useExchange(db, id), scope.deps.db);
