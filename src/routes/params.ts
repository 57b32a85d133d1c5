/** @module Route parameter checks that run before any database work. */
import { createMiddleware } from 'hono/factory';
import { isPublicId } from '../ids.ts';
import { Problem } from '../problem.ts';

/** 400 `malformed_id` unless `:id` is a public id. */
export const publicIdParam = createMiddleware(async (c, next) => {
  if (!isPublicId(c.req.param('id'))) throw new Problem(400, 'malformed_id', 'Ids are 1-64 letters, digits, "-" or "_".');
  await next();
});
