/** One page of a list, newest first, as every list endpoint answers it. */
export interface ListResponse<T> {
  data: T[];
  hasMore: boolean;
  /** Pass as `startingAfter` for the next page; `null` on the last page. */
  nextCursor: string | null;
}

interface Cursor {
  startingAfter?: string;
}

/** One page of a list, with the way to the next. */
export interface Page<T> extends ListResponse<T> {
  /** The next page, or `null` after the last one. */
  nextPage(): Promise<Page<T> | null>;
}

type FetchPage<T> = (cursor: Cursor) => Promise<ListResponse<T>>;

function pageOf<T>(list: ListResponse<T>, fetchPage: FetchPage<T>): Page<T> {
  return {
    ...list,
    nextPage: async () =>
      list.hasMore && list.nextCursor
        ? pageOf(await fetchPage({ startingAfter: list.nextCursor }), fetchPage)
        : null,
  };
}

/**
 * A list call: `await` it for the first page, or loop over every item of every page with
 * `for await`. Nothing is fetched until then.
 *
 * @example
 * for await (const transfer of settle.transfers.list({ conversationId })) show(transfer);
 *
 * const page = await settle.transfers.list({ limit: 10 });
 * const older = await page.nextPage();
 */
export class PageRequest<T> implements PromiseLike<Page<T>>, AsyncIterable<T> {
  readonly #fetchPage: FetchPage<T>;

  constructor(fetchPage: FetchPage<T>) {
    this.#fetchPage = fetchPage;
  }

  // biome-ignore lint/suspicious/noThenProperty: a list call is awaited for its first page.
  then<A = Page<T>, B = never>(
    onFulfilled?: ((page: Page<T>) => A | PromiseLike<A>) | null,
    onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    return this.#fetchPage({})
      .then((list) => pageOf(list, this.#fetchPage))
      .then(onFulfilled, onRejected);
  }

  /** Every page in turn, fetched as the loop asks for it. */
  async *pages(): AsyncGenerator<Page<T>> {
    for (let page: Page<T> | null = await this; page; page = await page.nextPage()) yield page;
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T> {
    for await (const page of this.pages()) yield* page.data;
  }
}
