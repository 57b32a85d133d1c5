CREATE TABLE "issuer_keys" (
	"id" text PRIMARY KEY NOT NULL,
	"issuer_id" text NOT NULL,
	"private_key_ciphertext" "bytea" NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "status_lists" (
	"issuer_id" text NOT NULL,
	"list_number" integer NOT NULL,
	"version" bigint DEFAULT 1 NOT NULL,
	CONSTRAINT "status_lists_issuer_id_list_number_pk" PRIMARY KEY("issuer_id","list_number")
);
--> statement-breakpoint
ALTER TABLE "assertions" ADD COLUMN "status_index" integer;--> statement-breakpoint
ALTER TABLE "issuers" ADD COLUMN "signing_key_id" text;--> statement-breakpoint
ALTER TABLE "issuers" ADD COLUMN "next_status_index" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "issuer_keys" ADD CONSTRAINT "issuer_keys_issuer_id_issuers_id_fk" FOREIGN KEY ("issuer_id") REFERENCES "public"."issuers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "status_lists" ADD CONSTRAINT "status_lists_issuer_id_issuers_id_fk" FOREIGN KEY ("issuer_id") REFERENCES "public"."issuers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "assertions_revoked_status_idx" ON "assertions" USING btree ("issuer_id","status_index") WHERE "assertions"."revoked_at" IS NOT NULL AND "assertions"."status_index" IS NOT NULL;