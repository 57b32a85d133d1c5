/**
 * @module Routers whose routes are their own documentation: `@hono/zod-openapi` validates each
 * request against the route's zod schemas and generates `/openapi.json` from the same schemas.
 * A validation failure becomes this project's 400 problem; body limits answer 413.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { createMiddleware } from 'hono/factory';
import type { z } from 'zod';
import type { AppEnv } from '../http/app-env.ts';
import { Problem } from '../http/problem.ts';
import { ID_MESSAGE } from './schemas.ts';

/** 400 `invalid_body` with the first issue's path and message. */
export function invalidBody(error: z.ZodError): Problem {
  const issue = error.issues[0];
  return new Problem(400, 'invalid_body', `${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}`);
}

/** A path parameter that fails its schema: `malformed_id` for an id, naming the parameter otherwise. */
function malformedParameter(error: z.ZodError): Problem {
  const name = String(error.issues[0]?.path[0] ?? 'id');
  return new Problem(400, 'malformed_id', name === 'id' ? `Malformed id: ${ID_MESSAGE}.` : `Malformed path parameter \`${name}\`.`);
}

/** A router for one group of routes; a path parameter that fails its schema is `malformed_id`, a body `invalid_body`. */
export const newRouter = () =>
  new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (result.success) return;
      throw result.target === 'param' ? malformedParameter(result.error) : invalidBody(result.error);
    },
  });

/**
 * 415 unless a body's media type is exactly one of `types` (parameters aside). The OpenAPI
 * library's own gate lets any `…+json` through as JSON and any form type as any other.
 */
export const bodyOfType = (...types: string[]) =>
  createMiddleware(async (c, next) => {
    const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    if (type && !types.includes(type)) throw new Problem(415, 'unsupported_media_type', `Send ${types.join(', ')}.`);
    await next();
  });

/** Refuses bodies over `maxSize` bytes (by Content-Length, or while streaming) with 413 `body_too_large`. */
export const limitBody = (maxSize: number) =>
  bodyLimit({
    maxSize,
    onError: () => {
      throw new Problem(413, 'body_too_large', `Bodies are limited to ${maxSize} bytes.`);
    },
  });

/**
 * A response whose body TypeScript cannot check against its route's schema (a stream of JSON):
 * the contract test checks it against the same schema instead.
 */
export const checkedByContractTest = (response: Response): never => response as never;
