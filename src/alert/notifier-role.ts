/**
 * Which replica delivers notifications. Every replica evaluates; only the holder of this role
 * dispatches and delivers the outbox. With one process (or the SQLite store) that is always us;
 * with several replicas on one PostgreSQL it is a session advisory lock (docs/alerts.md).
 */
export interface NotifierRole {
  /** Tries to take the role without waiting; true when held (now or already). */
  acquire(): Promise<boolean>;
  /** Gives the role up, so another replica takes over at its next try. */
  release(): Promise<void>;
  /** Whether we held the role when last checked; a lost connection loses it. */
  isHolder(): boolean;
}

/** The role in a single process: always ours. */
export class SingleProcessRole implements NotifierRole {
  #held = false;

  async acquire(): Promise<boolean> {
    this.#held = true;
    return true;
  }

  async release(): Promise<void> {
    this.#held = false;
  }

  isHolder(): boolean {
    return this.#held;
  }
}
