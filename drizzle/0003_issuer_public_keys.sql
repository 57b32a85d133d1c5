ALTER TABLE "issuers" ADD COLUMN "public_key_ids" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
-- Issuers that already have keys: their DID documents list them, oldest first.
UPDATE "issuers" SET "public_key_ids" = keys.ids
FROM (SELECT "issuer_id", array_agg("id" ORDER BY "created_at", "id") AS ids FROM "issuer_keys" GROUP BY "issuer_id") AS keys
WHERE keys."issuer_id" = "issuers"."id";
