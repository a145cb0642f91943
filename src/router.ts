/**
 * The app's router: Hono's RegExpRouter for every route but those whose first segment is a
 * parameter, which a second router of their own beside it answers.
 *
 * Why: RegExpRouter (one regular expression per method, static paths in a map) cannot hold a
 * parameter as a first segment beside literal first segments, and the catalogue has one —
 * the shortener's `GET /{code}` next to `/path/…`, `/db/…`, `/api/…`. Hono's default router then
 * falls back to TrieRouter for the whole app, which splits and walks every path: on GET /json that
 * made the app's routing cost about a third more than the basic family's alone (bench:micro,
 * `app ÷ basic`). Here every other route keeps RegExpRouter.
 *
 * Same answers as one router: a path that routes of both sides match gets every match, in the order
 * the routes were added.
 */
import { type ParamIndexMap, type Params, type ParamStash, type Result, type Router } from 'hono/router';
import { RegExpRouter } from 'hono/router/reg-exp-router';
import { SmartRouter } from 'hono/router/smart-router';
import { TrieRouter } from 'hono/router/trie-router';

const ROOT_PARAMETER = /^\/:/;

export class AppRouter<T> implements Router<T> {
  name = 'AppRouter (RegExpRouter, and a second router for a parameter first segment)';
  readonly #main = new RegExpRouter<T>();
  /**
   * Hono's default router over only the routes with a parameter first segment: a RegExpRouter when
   * they fit one (the catalogue's single route does: one regular expression test per request),
   * else a TrieRouter.
   */
  #rootParameters: Router<T> | undefined;
  /** Each handler's place among every route added, to merge the two sides' matches in order. */
  readonly #order = new Map<T, number>();

  add(method: string, path: string, handler: T): void {
    this.#order.set(handler, this.#order.size);
    if (ROOT_PARAMETER.test(path)) {
      this.#rootParameters ??= new SmartRouter({ routers: [new RegExpRouter(), new TrieRouter()] });
      this.#rootParameters.add(method, path, handler);
    } else this.#main.add(method, path, handler);
  }

  match(method: string, path: string): Result<T> {
    const main = this.#main.match(method, path);
    if (!this.#rootParameters) return main;
    const root = this.#rootParameters.match(method, path);
    if (root[0].length === 0) return main;
    if (main[0].length === 0) return root;
    // Both sides match: every match as [handler, params], in the order the routes were added.
    const merged = [...withParams(main), ...withParams(root)];
    merged.sort((a, b) => this.#order.get(a[0])! - this.#order.get(b[0])!);
    return [merged];
  }
}

/** A match result as [handler, params] pairs, whichever of its two forms a router returned. */
function withParams<T>(result: Result<T>): [T, Params][] {
  const [matches, stash] = result as [[T, ParamIndexMap | Params][], ParamStash | undefined];
  if (!stash) return matches as [T, Params][];
  return matches.map(([handler, indexes]) => [
    handler,
    Object.fromEntries(Object.entries(indexes).map(([name, index]) => [name, stash[index as number]!])),
  ]);
}
