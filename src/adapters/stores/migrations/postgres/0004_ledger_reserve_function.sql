-- A reservation in one round trip: lock the rows of every scope (creating missing ones) in
-- sorted order, read the server's clock once the locks are held, check each limit, and hold
-- the amount on every scope, or on none. Returns one row: the 1-based position of the first
-- scope that refused with its spent and reserved amounts, or (when all fit) the expiry.
-- search_path is pinned to the schema being migrated, so the function finds its own tables.
CREATE FUNCTION tokenwise_ledger_reserve(
  p_id text,
  p_scopes text[],
  p_limits numeric[],
  p_amount bigint,
  p_ttl_ms bigint
) RETURNS TABLE (refused integer, spent numeric, reserved numeric, expires_at bigint)
LANGUAGE plpgsql
SET search_path FROM CURRENT
AS $$
DECLARE
  v_at bigint;
  v_index integer;
  v_spent numeric;
  v_reserved numeric;
BEGIN
  INSERT INTO tokenwise_ledger_scopes AS totals (scope, spent)
    SELECT wanted, 0 FROM unnest(p_scopes) AS wanted ORDER BY wanted
    ON CONFLICT (scope) DO NOTHING;
  PERFORM 1 FROM tokenwise_ledger_scopes AS totals
    WHERE totals.scope = ANY (p_scopes) ORDER BY totals.scope FOR UPDATE;
  v_at := tokenwise_clock_ms();
  FOR v_index IN 1 .. cardinality(p_scopes) LOOP
    SELECT totals.spent INTO v_spent FROM tokenwise_ledger_scopes AS totals
      WHERE totals.scope = p_scopes[v_index];
    SELECT coalesce(sum(held.amount), 0) INTO v_reserved FROM tokenwise_ledger_holds AS held
      WHERE held.scope = p_scopes[v_index] AND held.expires_at > v_at;
    IF v_spent + v_reserved + p_amount > p_limits[v_index] THEN
      RETURN QUERY SELECT v_index, v_spent, v_reserved, NULL::bigint;
      RETURN;
    END IF;
  END LOOP;
  INSERT INTO tokenwise_ledger_holds (id, position, scope, amount, expires_at)
    SELECT p_id, held.position - 1, held.scope, p_amount, v_at + p_ttl_ms
    FROM unnest(p_scopes) WITH ORDINALITY AS held (scope, position);
  RETURN QUERY SELECT NULL::integer, NULL::numeric, NULL::numeric, v_at + p_ttl_ms;
END;
$$;
