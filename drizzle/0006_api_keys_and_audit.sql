CREATE TABLE "api_keys" (
	"id" text PRIMARY KEY NOT NULL,
	"issuer_id" text,
	"actions" text[] NOT NULL,
	"label" text,
	"secret_hash" text NOT NULL,
	"expires_at" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	"last_used_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"version" bigint DEFAULT 1 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "audit_log" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"principal" text NOT NULL,
	"action" text NOT NULL,
	"record_kind" text NOT NULL,
	"record_ids" text[] NOT NULL,
	"issuer_ids" text[] NOT NULL
);
--> statement-breakpoint
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_issuer_id_issuers_id_fk" FOREIGN KEY ("issuer_id") REFERENCES "public"."issuers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "audit_log_issuer_idx" ON "audit_log" USING gin ("issuer_ids");