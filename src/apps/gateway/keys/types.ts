/**
 * The contract between the gateway and its virtual keys: who a caller is, what it may use, and
 * which budgets and rate limits its requests are held to. The gateway depends only on these
 * shapes; the engines (SQLite now, PostgreSQL for replicas) implement them.
 */
import type { Picodollars } from "../../../core/money/index.js";

/** How a budget resets: at the start of each calendar day / week / month, or never (prepaid). */
export type BudgetPeriod = "day" | "week" | "month" | "none";

export interface BudgetSpec {
  /** The hard limit per period. */
  limit: Picodollars;
  period: BudgetPeriod;
  /** IANA time zone the calendar periods are aligned to (e.g. "UTC", "Europe/Berlin"). */
  timeZone: string;
}

/** A virtual key as stored: never its secret, only the SHA-256 hash of it. */
export interface VirtualKey {
  /** Stable id ("key_..."): survives rotation; ledger scopes and metrics use it. */
  id: string;
  /** Human name, unique among keys that are not revoked. */
  name: string;
  /** The team the key spends for (its team budget applies too), if any. */
  team?: string;
  /** Model references the key may call; undefined means every configured model. */
  models?: string[];
  budget?: BudgetSpec;
  /** Requests per minute; undefined means unlimited. */
  rpm?: number;
  /** Tokens per minute (prompt + max output, counted before the call); undefined means unlimited. */
  tpm?: number;
  /** A short, non-secret prefix of the current secret, for people to tell keys apart ("tw-ab12…"). */
  secretHint: string;
  createdAt: number;
  revokedAt?: number;
}

export interface Team {
  name: string;
  budget?: BudgetSpec;
}

export interface CreateKeyInput {
  name: string;
  team?: string;
  models?: string[];
  budget?: BudgetSpec;
  rpm?: number;
  tpm?: number;
}

/**
 * Changes to a key's limits: a value replaces the current one, `null` removes it (no team, every
 * model, no budget, no rate limit), and a field left out stays as it is.
 */
export interface KeyChanges {
  team?: string | null;
  models?: string[] | null;
  budget?: BudgetSpec | null;
  rpm?: number | null;
  tpm?: number | null;
}

/** A key together with its secret: returned only by create and rotate, shown once. */
export interface IssuedKey {
  key: VirtualKey;
  secret: string;
}

/**
 * Why a secret does or does not authenticate, so the gateway can tell a caller exactly what is
 * wrong ("revoked", "rotated") without ever repeating the secret.
 */
export type SecretStatus =
  | { state: "live"; key: VirtualKey }
  /** The key was revoked; its secrets stopped at `revokedAt`. */
  | { state: "revoked"; keyId: string; name: string; revokedAt: number }
  /** The key was rotated and this old secret's grace ended at `expiredAt`. */
  | { state: "expired"; keyId: string; name: string; expiredAt: number }
  /** No key ever had this secret (or it was forgotten, 30 days after it stopped working). */
  | { state: "unknown" };

export interface KeyRegistry {
  create(input: CreateKeyInput): Promise<IssuedKey>;
  /** Keys, newest first; revoked ones only when asked. */
  list(options?: { includeRevoked?: boolean }): Promise<VirtualKey[]>;
  /** By id or by name; undefined when there is none. */
  get(idOrName: string): Promise<VirtualKey | undefined>;
  /** Updates the limits of a key (team, budget, models, rate limits); `null` removes one. */
  update(idOrName: string, changes: KeyChanges): Promise<VirtualKey>;
  /** Revokes a key at once (its old secrets too); false when it was already revoked. */
  revoke(idOrName: string): Promise<boolean>;
  /**
   * A new secret for the same key id; the previous secret keeps working for `graceMs`
   * (0: stops at once).
   */
  rotate(idOrName: string, options: { graceMs: number }): Promise<IssuedKey>;
  /** The live key a secret belongs to, or undefined (unknown, revoked, or past its grace). */
  authenticate(secret: string): Promise<VirtualKey | undefined>;
  /** {@link KeyRegistry.authenticate} with the reason a secret is refused. */
  explain(secret: string): Promise<SecretStatus>;
  setTeam(team: Team): Promise<Team>;
  getTeam(name: string): Promise<Team | undefined>;
  listTeams(): Promise<Team[]>;
  close(): Promise<void>;
}

/** One budget a request is held to: a ledger scope named for the current period, and its limit. */
export interface BudgetScope {
  /** e.g. "key:key_x1:month:2026-12" or "team:data:none". */
  scope: string;
  limit: Picodollars;
  /** When the period ends (epoch ms), undefined for "none". */
  resetsAt?: number;
}

export interface RateLimitDecision {
  allowed: boolean;
  /**
   * When refused: how long until the request would fit, in ms; undefined when it never can
   * (it alone has more tokens than the key's tpm).
   */
  retryAfterMs?: number;
  /** When refused: the limit that refused it (the one that frees up last, when both do). */
  refusedBy?: "rpm" | "tpm";
  /** Requests and tokens left in the current window (undefined when unlimited). */
  remainingRequests?: number;
  remainingTokens?: number;
}

export interface RateLimiter {
  /**
   * Counts one request of `tokens` against the key's per-minute limits, atomically across
   * replicas, and says whether it may go ahead. A refused request is not counted.
   */
  take(key: Pick<VirtualKey, "id" | "rpm" | "tpm">, tokens: number): Promise<RateLimitDecision>;
  close(): Promise<void>;
}
