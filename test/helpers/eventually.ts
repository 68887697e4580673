/**
 * Waits until `check` holds, polling every 10 ms, and fails naming `what` after `ms`. A bounded
 * wait for something another process or a later tick does, never a claim about speed: the deadline
 * is generous because a shared machine stretches every turn.
 */
export async function eventually(check: () => boolean | Promise<boolean>, what: string, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
