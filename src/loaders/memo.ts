/**
 * Request-scoped memo of vendor calls by their arguments: a scan that stops early and a later
 * batch that scans again both read the same pages once, so no endpoint is called twice with the
 * same arguments in one request.
 */
export class CallMemo {
  private readonly calls = new Map<string, Promise<unknown>>();

  run<T>(key: string, call: () => Promise<T>): Promise<T> {
    let pending = this.calls.get(key) as Promise<T> | undefined;
    if (pending === undefined) {
      pending = call();
      this.calls.set(key, pending);
    }
    return pending;
  }
}
