-- The shared registry's schema. `service-codes registry init` runs this file once, in one
-- transaction, as the database's owner; {version} is the schema version the library reads.
CREATE SCHEMA service_codes;

CREATE TABLE service_codes.meta (
    key text PRIMARY KEY,
    value text NOT NULL
);
INSERT INTO service_codes.meta VALUES ('schema_version', '{version}');

-- One row per event, in ledger order. `body` is the sealed event's JSON as it was hashed
-- (keys sorted, `prev` the hash of the row before); `hash` is its SHA-256, so a row is the
-- line of a file ledger: body without its closing brace, ',"hash":"<hash>"}'.
CREATE TABLE service_codes.events (
    position bigint PRIMARY KEY CHECK (position > 0),
    -- One line of a ledger file: an object's JSON on one line, ending at its closing brace.
    body text NOT NULL CHECK (starts_with(body, '{"') AND body LIKE '%}'
                              AND strpos(body, E'\n') = 0 AND strpos(body, E'\r') = 0),
    hash text NOT NULL CHECK (hash = encode(sha256(convert_to(body, 'UTF8')), 'hex'))
);

-- Every field of every event, for people reading the registry with SQL.
CREATE VIEW service_codes.event_fields AS
SELECT position,
       doc ->> 'event' AS event,
       doc ->> 'code' AS code,
       doc -> 'identity' AS identity,
       doc ->> 'name' AS name,
       doc ->> 'sub_name' AS sub_name,
       doc -> 'merged' AS merged,
       doc -> 'into' AS "into",
       (doc ->> 'date')::date AS date,
       doc ->> 'reason' AS reason,
       doc ->> 'prev' AS prev,
       hash
FROM service_codes.events, LATERAL (SELECT body::jsonb AS doc) parsed;

-- What each service center's role may issue and change: the basic catalogue
-- ('catalogue'), or the codes of the agencies whose USCC starts with `scope` (a whole
-- USCC, or a region prefix such as '11610113').
CREATE TABLE service_codes.grants (
    role name NOT NULL,
    scope text NOT NULL CHECK (scope = 'catalogue' OR scope ~ '^[0-9A-Z]{1,18}$'),
    PRIMARY KEY (role, scope)
);

-- The grant a code needs: catalog codes the catalogue's, the others their agency's.
-- The functions that check a write name their objects with their schema and search
-- pg_catalog only (then pg_temp, last), so that no role's own tables or functions can
-- stand in for them; these two are inlined into the check, and run under its search path.
CREATE FUNCTION service_codes.scope_of(code text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT AS $$
    SELECT CASE WHEN length(code) = 12 THEN 'catalogue' ELSE left(code, 18) END
$$;

-- The grant an identity needs: a matter's the catalogue's, a part's its parent's agency's.
CREATE FUNCTION service_codes.identity_scope(identity jsonb) RETURNS text
LANGUAGE sql IMMUTABLE STRICT AS $$
    SELECT CASE WHEN identity ->> 0 = 'catalog' THEN 'catalogue'
                ELSE left(coalesce(identity ->> 1, ''), 18) END
$$;

-- Whether the current role (or a role it belongs to) may write codes of `needed`.
CREATE FUNCTION service_codes.may_write(needed text) RETURNS boolean
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT pg_has_role(current_user, 'service_codes_admin', 'MEMBER') OR EXISTS (
        SELECT 1 FROM service_codes.grants g JOIN pg_catalog.pg_roles r ON r.rolname = g.role
        WHERE pg_has_role(current_user, r.oid, 'MEMBER')
          AND (g.scope = needed
               OR (needed <> 'catalogue' AND g.scope <> 'catalogue'
                   AND starts_with(needed, g.scope))))
$$;

-- Checks every appended batch as one statement: each row chains on the row before it (so
-- positions have no gap), and the role holds the grant of every code the rows touch. Each
-- body is parsed once: a batch of 100k events is one COPY.
CREATE FUNCTION service_codes.check_append() RETURNS trigger
LANGUAGE plpgsql SET jit = off SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    bad record;
BEGIN
    WITH n AS MATERIALIZED (SELECT position, body::jsonb AS doc FROM new_events),
    chain AS (
        -- Looked up by position row by row: the planner knows nothing of a batch's size,
        -- and a hash join would read the whole table for every single assign.
        SELECT 'chain' AS fault, n.position::text AS what FROM n
        WHERE n.doc ->> 'prev' IS DISTINCT FROM CASE
            WHEN n.position = 1 THEN repeat('0', 64)
            ELSE (SELECT p.hash FROM service_codes.events p WHERE p.position = n.position - 1)
        END
        ORDER BY n.position LIMIT 1
    ),
    -- The grants every code the rows touch needs, and every identity they name.
    touched AS (
        SELECT service_codes.scope_of(coalesce(n.doc ->> 'code', '')) AS needed FROM n
        UNION ALL
        SELECT service_codes.identity_scope(n.doc -> 'identity') FROM n WHERE n.doc ? 'identity'
        UNION ALL
        SELECT service_codes.scope_of(jsonb_array_elements_text(n.doc -> 'merged'))
        FROM n WHERE n.doc ? 'merged'
        UNION ALL
        SELECT service_codes.scope_of(coalesce(part ->> 'code', ''))
        FROM n, LATERAL jsonb_array_elements(n.doc -> 'into') part WHERE n.doc ? 'into'
        UNION ALL
        SELECT service_codes.identity_scope(part -> 'identity')
        FROM n, LATERAL jsonb_array_elements(n.doc -> 'into') part WHERE n.doc ? 'into'
    ),
    scopes AS MATERIALIZED (  -- a handful: each is looked up in the grants once
        SELECT DISTINCT coalesce(needed, '') AS needed FROM touched
    ),
    refused AS (
        SELECT 'grant' AS fault, needed AS what FROM scopes
        WHERE NOT service_codes.may_write(needed)
        ORDER BY needed LIMIT 1
    )
    SELECT * INTO bad FROM (SELECT * FROM chain UNION ALL SELECT * FROM refused) faults
    LIMIT 1;
    IF NOT FOUND THEN
        RETURN NULL;
    ELSIF bad.fault = 'chain' THEN
        RAISE EXCEPTION 'service-codes: event % does not chain on the one before it',
            bad.what USING ERRCODE = 'integrity_constraint_violation';
    ELSE
        RAISE EXCEPTION 'service-codes: role % holds no grant for %', current_user, bad.what
            USING ERRCODE = 'insufficient_privilege',
                  DETAIL = json_build_object('role', current_user, 'scope', bad.what)::text;
    END IF;
END
$$;

CREATE TRIGGER events_check_append
    AFTER INSERT ON service_codes.events
    REFERENCING NEW TABLE AS new_events
    FOR EACH STATEMENT EXECUTE FUNCTION service_codes.check_append();

-- Append-only for every role, the owner's too: a ledger is never rewritten.
CREATE FUNCTION service_codes.refuse_change() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    RAISE EXCEPTION 'service-codes: the registry is append-only; % is refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER events_append_only
    BEFORE UPDATE OR DELETE OR TRUNCATE ON service_codes.events
    FOR EACH STATEMENT EXECUTE FUNCTION service_codes.refuse_change();

-- The roles: readers see the registry, writers also append (within their grants),
-- admins write any code and manage the grants. Service centers log in as roles that
-- belong to service_codes_writer (docs/registry.md).
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'service_codes_reader') THEN
        CREATE ROLE service_codes_reader NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'service_codes_writer') THEN
        CREATE ROLE service_codes_writer NOLOGIN IN ROLE service_codes_reader;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'service_codes_admin') THEN
        CREATE ROLE service_codes_admin NOLOGIN IN ROLE service_codes_writer;
    END IF;
END
$$;

REVOKE ALL ON SCHEMA service_codes FROM PUBLIC;
GRANT USAGE ON SCHEMA service_codes TO service_codes_reader;
GRANT SELECT ON service_codes.meta, service_codes.events, service_codes.event_fields,
    service_codes.grants TO service_codes_reader;
GRANT INSERT ON service_codes.events TO service_codes_writer;
GRANT INSERT, DELETE ON service_codes.grants TO service_codes_admin;
