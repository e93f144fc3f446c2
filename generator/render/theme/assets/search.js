// The search page (search/?q=…): runs the query against the Pagefind index in the browser and
// lists the results with 栏目, 发布机构, 发布日期, 文号 and a highlighted excerpt.
//
// The index lives in pagefind/{shard}/ (see generator/publish/search.py): one bundle for most
// sites; for large ones several, each holding consecutive items by publication date, newest in
// shard 1. After an incremental rebuild there is one more, the updates bundle, with the items
// edited or added since the last full build; pagefind/updates.json names it and lists the ids
// of the old versions of edited items, which stay in their shard's word index until the next
// full build and are dropped from every answer here. The first bundle is loaded and the others
// are merged into it, each tagged with a `shard` filter. Two things Pagefind does per bundle
// are evened out here: a date sort runs shard by shard and concatenates (Pagefind would
// interleave the bundles), the updates merged in by date; and shards that lack one of the
// query's words are left out (see agreeingShards).

const PAGE_SIZE = 10;
const EXCERPT_WORDS = 40;
// A match in the hidden `terms` metadata (标题, 文号, 索引号, 发布机构, 关键词) weighs five times
// a match in the body: a query naming a document finds it before pages that mention it.
const RANKING = { metaWeights: { terms: 5 } };
const SORTS = { newest: "desc", oldest: "asc" };

function start(root) {
  const form = root.querySelector(".dp-search__form");
  const input = form.querySelector("input[name=q]");
  const selects = [...form.querySelectorAll("select[data-filter]")];
  const sortSelect = form.querySelector("select[name=sort]");
  const status = root.querySelector(".dp-search__status");
  const list = root.querySelector(".dp-search__results");
  const more = root.querySelector(".dp-search__more");
  const index = new SearchIndex(root.dataset.bundleRoot, root.dataset.shards);

  let generation = 0; // a newer search makes the older one stop rendering
  let current = null; // { results, shown, words }

  function readLocation() {
    const params = new URLSearchParams(location.search);
    input.value = params.get("q") || "";
    for (const select of selects) {
      setSelectValue(select, params.get(select.name) || "");
    }
    setSelectValue(sortSelect, params.get("sort") || "");
  }

  // A new query is a new history entry (Back shows the previous results); a filter is not.
  function writeLocation(newQuery) {
    const params = new URLSearchParams();
    if (input.value.trim()) params.set("q", input.value.trim());
    for (const select of [...selects, sortSelect]) {
      if (select.value) params.set(select.name, select.value);
    }
    const query = params.toString();
    const url = query ? `?${query}` : location.pathname;
    if (newQuery) history.pushState(null, "", url);
    else history.replaceState(null, "", url);
  }

  function chosenFilters() {
    const filters = {};
    for (const select of selects) {
      if (select.value) filters[select.dataset.filter] = select.value;
    }
    return filters;
  }

  // One search: the results first, then the filter counts. The results region is aria-busy
  // until both are in.
  async function run() {
    const mine = ++generation;
    root.setAttribute("aria-busy", "true");
    try {
      await search(mine);
    } finally {
      if (mine === generation) root.setAttribute("aria-busy", "false");
    }
  }

  async function search(mine) {
    const term = input.value.trim();
    const filters = chosenFilters();
    list.replaceChildren();
    more.hidden = true;
    resetCounts(selects);
    if (!term && Object.keys(filters).length === 0) {
      status.textContent = "请输入检索词，或选择栏目、主题分类等筛选条件。";
      return;
    }
    status.textContent = "正在检索……";
    const identifier = identifierWord(term);
    if (identifier && !Object.keys(filters).length && !sortSelect.value) {
      // A whole 文号 or 索引号 with nothing else chosen: answered from a small lookup file,
      // without loading Pagefind at all (see lookUp).
      const entries = await lookUp(root.dataset.identifiers, identifier).catch(() => []);
      if (mine !== generation) return;
      if (entries.length) {
        const siteRoot = new URL("../", new URL(root.dataset.bundleRoot, location.href));
        const words = queryWords(term);
        list.append(
          ...entries.map((entry) =>
            resultItem({ url: new URL(entry.url, siteRoot).href, meta: entry, excerpt: entry.summary }, words),
          ),
        );
        status.textContent = `找到 ${entries.length} 条与“${term}”相关的信息。`;
        return;
      }
    }
    let found;
    try {
      // A whole 文号 or 索引号 is looked up as the one word it is indexed under (see
      // identifierWord); only when nothing has it is it searched for word by word.
      if (identifier) found = await index.find(identifier, filters, SORTS[sortSelect.value]);
      if (!found || !found.results.length) {
        found = await index.find(term || null, filters, SORTS[sortSelect.value]);
      }
    } catch (error) {
      if (mine === generation) {
        status.textContent = "检索服务暂时无法使用，请稍后再试，或按分类浏览。";
      }
      console.error(error);
      return;
    }
    if (mine !== generation) return;
    current = { results: found.results, shown: 0, words: queryWords(term) };
    await showMore(mine, false);
    if (mine !== generation) return;
    const total = found.results.length;
    const what = term ? `与“${term}”相关的信息` : "符合条件的信息";
    status.textContent = total
      ? `找到 ${total} 条${what}。`
      : `没有找到${what}。请换用其他词语，或减少筛选条件。`;
    const counts = total ? await index.counts(found.query).catch(() => null) : {};
    if (mine === generation && counts) updateCounts(selects, counts);
  }

  async function showMore(mine, moveFocus) {
    const { results, shown, words } = current;
    const slice = results.slice(shown, shown + PAGE_SIZE);
    const data = await Promise.all(slice.map((result) => result.data()));
    if (mine !== generation) return;
    const items = data.map((page) => resultItem(page, words));
    list.append(...items);
    current.shown = shown + slice.length;
    more.hidden = current.shown >= results.length;
    more.textContent = `显示更多结果（还有 ${results.length - current.shown} 条）`;
    if (moveFocus && items.length) items[0].querySelector("a").focus();
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    writeLocation(true);
    run();
  });
  for (const select of [...selects, sortSelect]) {
    select.addEventListener("change", () => {
      writeLocation(false);
      run();
    });
  }
  more.addEventListener("click", () => showMore(generation, true));
  input.addEventListener("focus", () => index.load().catch(() => {}), { once: true });
  window.addEventListener("popstate", () => {
    readLocation();
    run();
  });

  readLocation();
  if (input.value.trim() || selects.some((select) => select.value)) {
    run();
  } else {
    input.focus();
  }
}

class SearchIndex {
  constructor(bundleRoot, shards) {
    this.bundleRoot = new URL(bundleRoot, location.href);
    this.pageShards = shards.split(" ").filter(Boolean); // as planned when the page was made
    this.shards = this.pageShards; // every bundle merged, the updates bundle last
    this.updates = null; // the updates bundle's id, if there is one
    this.superseded = new Map(); // id of an old version of an edited item → its filters
    this.ready = null;
  }

  load() {
    if (!this.ready) {
      this.ready = this.open();
      this.ready.catch(() => {
        this.ready = null; // let the next search try again
      });
    }
    return this.ready;
  }

  async open() {
    await this.readUpdates();
    const bundle = (id) => new URL(`${id}/`, this.bundleRoot);
    const [first, ...others] = this.shards;
    const pagefind = await import(new URL("pagefind.js", bundle(first)).href);
    const options = {
      bundlePath: bundle(first).pathname,
      baseUrl: new URL("../", this.bundleRoot).pathname, // pagefind/ sits at the site root
      excerptLength: EXCERPT_WORDS,
      ranking: RANKING,
    };
    if (others.length) options.mergeFilter = { shard: first };
    await pagefind.options(options);
    for (const id of others) {
      const merged = { mergeFilter: { shard: id }, ranking: RANKING, excerptLength: EXCERPT_WORDS };
      await pagefind.mergeIndex(bundle(id).pathname, merged);
    }
    return pagefind;
  }

  // pagefind/updates.json, written by every build (missing or empty: no updates). Its list of
  // base shards wins over the page's: a rebuild keeps the shards of the last full build, while
  // the page lists the shards a full build would make of the current items.
  async readUpdates() {
    const response = await fetch(new URL("updates.json", this.bundleRoot), { cache: "no-cache" });
    const text = response.ok ? await response.text() : "";
    const updates = text.trim() ? JSON.parse(text) : {};
    const base = Array.isArray(updates.shards) ? updates.shards.map(String) : this.pageShards;
    this.updates = updates.bundle ? String(updates.bundle) : null;
    this.shards = this.updates ? [...base, this.updates] : base;
    const filters = updates.superseded_filters || {};
    this.superseded = new Map();
    for (const ids of Object.values(updates.superseded || {})) {
      for (const id of ids) this.superseded.set(id, filters[id] || {});
    }
  }

  // Results without the old versions of edited items: their fragments are gone, and their
  // current versions are answered by the updates bundle.
  live(results) {
    return results.filter((result) => !this.superseded.has(result.id));
  }

  // The results of one query, ordered by relevance or by date ("asc"/"desc"), with the filters
  // that give them (for `counts`).
  async find(asked, chosen, direction) {
    const pagefind = await this.load();
    const several = this.shards.length > 1;
    const { shards, term } =
      asked && several
        ? await this.agreeingShards(pagefind, asked)
        : { shards: this.shards, term: asked };
    const scope = (filters) =>
      shards.length < this.shards.length ? { ...filters, shard: { any: shards } } : filters;
    const query = { term, chosen, scope };
    if (!shards.length) return { results: [], query };
    if (!direction) {
      const { results } = await pagefind.search(term, { filters: scope(chosen) });
      return { results: this.live(results), query };
    }
    const sort = { date: direction };
    if (!several) {
      return { results: (await pagefind.search(term, { filters: chosen, sort })).results, query };
    }
    const base = shards.filter((shard) => shard !== this.updates);
    const order = direction === "desc" ? base : [...base].reverse();
    let results = [];
    for (const shard of order) {
      const part = await pagefind.search(term, { filters: { ...chosen, shard }, sort });
      results.push(...this.live(part.results));
    }
    if (shards.includes(this.updates)) {
      // edited and new items have any date: merged in where their dates fall
      const filters = { ...chosen, shard: this.updates };
      const updated = await pagefind.search(term, { filters, sort });
      results = await mergeByDate(results, updated.results, direction);
    }
    return { results, query };
  }

  // For every filter, the number of results each of its values would give. Pagefind counts only
  // once the filter indexes are loaded, which is left until the results are on screen.
  async counts({ term, chosen, scope }) {
    const pagefind = await this.load();
    await pagefind.filters();
    const counts = await this.liveCounts(pagefind, term, scope(chosen));
    for (const key of Object.keys(chosen)) {
      // the counts of a filter in use: as if its own choice were not made
      const others = { ...chosen };
      delete others[key];
      counts[key] = (await this.liveCounts(pagefind, term, scope(others)))[key];
    }
    return counts;
  }

  // Pagefind's filter counts for a search, less the old versions of edited items that it
  // matched (their shard still counts them; updates.json has their filters).
  async liveCounts(pagefind, term, filters) {
    const found = await pagefind.search(term, { filters });
    const counts = {};
    for (const [key, values] of Object.entries(found.filters)) counts[key] = { ...values };
    for (const result of found.results) {
      for (const [key, values] of Object.entries(this.superseded.get(result.id) || {})) {
        for (const value of values) {
          if (counts[key]?.[value]) counts[key][value] -= 1;
        }
      }
    }
    return counts;
  }

  // Pagefind ignores a query word that starts none of an index's words (or matches a shorter
  // word in its place), index by index. Across shards, a shard lacking a rare word — a 文号
  // serial, a name — would then answer with pages that match only the other words. So the top
  // result of each shard is checked for every query word that the site has: a shard whose top
  // result lacks one holds no page with all of them, and is left out. A word that no shard has
  // is ignored everywhere, as Pagefind does with one index. The tops are taken without the
  // chosen filters: whether a shard has the words does not depend on them, and the counts of a
  // filter in use are taken as if its choice were not made.
  //
  // The updates bundle is a shard here. An old version of an edited item is never a result, so
  // never a top; but its words are still in its shard's index, where Pagefind requires them. A
  // full build would not have the words that only old versions have, and would ignore them: so
  // the query is asked without them. Returns the agreeing shards and the query to ask them.
  async agreeingShards(pagefind, query) {
    const words = queryTerms(query);
    let tops = await this.tops(pagefind, query, words);
    const present = new Set(tops.flatMap(([, has]) => has));
    for (const word of words) {
      if (!present.has(word) && (await this.somewhere(pagefind, word))) present.add(word);
    }
    let term = query;
    if (this.superseded.size && present.size < words.length) {
      term = words.filter((word) => present.has(word)).join(" ");
      tops = term ? await this.tops(pagefind, term, words) : [];
    }
    const shards = tops.filter(([, has]) => [...present].every((w) => has.includes(w)));
    return { shards: shards.map(([shard]) => shard), term };
  }

  // Each shard with a result for the query, with the query words its top result has.
  async tops(pagefind, term, words) {
    const tops = [];
    for (const shard of this.shards) {
      const { results } = await pagefind.search(term, { filters: { shard } });
      const [top] = this.live(results);
      if (top) tops.push([shard, wordsOf(await top.data(), words)]);
    }
    return tops;
  }

  // Whether a page of any shard (an old version of an edited item aside) has a word starting
  // with `word`.
  async somewhere(pagefind, word) {
    for (const shard of this.shards) {
      const [top] = this.live((await pagefind.search(word, { filters: { shard } })).results);
      if (top && wordsOf(await top.data(), [word]).length) return true;
    }
    return false;
  }
}

// Merges results of the updates bundle (in date order) into the date-ordered results of the
// base shards. Pagefind does not tell a result's date without its fragment, so each update is
// placed by a binary search that loads the dates of the few base results it compares with; an
// update follows the base results of the same date.
async function mergeByDate(base, updates, direction) {
  const comesBefore = direction === "desc" ? (a, b) => a > b : (a, b) => a < b;
  const dateOf = async (result) => sortDate(await result.data());
  const merged = [];
  let from = 0;
  for (const update of updates) {
    const date = await dateOf(update);
    let [low, high] = [from, base.length]; // the update goes before base[high]
    while (low < high) {
      const middle = (low + high) >> 1;
      if (comesBefore(date, await dateOf(base[middle]))) high = middle;
      else low = middle + 1;
    }
    merged.push(...base.slice(from, low), update);
    from = low;
  }
  merged.push(...base.slice(from));
  return merged;
}

// The date sort key of a result (the item's 发布日期, to the minute when it has a time), as the
// build writes it: "2026-07-20" sorts as "2026-07-20 00:00".
function sortDate(page) {
  const date = (page.meta || {}).date || "";
  return date.length === 10 ? `${date} 00:00` : date;
}

function setSelectValue(select, value) {
  const known = [...select.options].some((option) => option.value === value);
  select.value = known ? value : "";
}

function resetCounts(selects) {
  for (const select of selects) {
    for (const option of select.options) {
      if (!option.value) continue;
      option.textContent = `${option.value}（${option.dataset.total}）`;
      option.disabled = false;
    }
  }
}

function updateCounts(selects, counts) {
  for (const select of selects) {
    const values = counts[select.dataset.filter] || {};
    for (const option of select.options) {
      if (!option.value) continue;
      const count = values[option.value] || 0;
      option.textContent = `${option.value}（${count}）`;
      option.disabled = count === 0 && option.value !== select.value;
    }
  }
}

// A 文号 (源政办〔2026〕145号) or 索引号 (015180001/2026-00234) typed whole, as the single ASCII word
// every item carries for it in its `terms` (generator/publish/search.py, identifier_word): one
// word loads one index chunk per bundle, where the six or so words the browser would cut it
// into load six. Anything else: null.
const DOC_NUMBER = /^[\p{Script=Han}A-Za-z]{1,20}\s*[〔［\[（(【]\s*\d{4}\s*[〕］\]）)】]\s*\d{1,6}\s*号$/u;
const INDEX_NUMBER = /^[0-9A-Za-z]{4,24}\s*[/／]\s*\d{4}\s*[-－—–]\s*\d{1,8}$/u;

function identifierWord(term) {
  if (!term || !(DOC_NUMBER.test(term) || INDEX_NUMBER.test(term))) return null;
  const parts = term.normalize("NFKC").toLowerCase().match(/[a-z0-9]+|[\p{L}\p{N}]/gu) || [];
  return "id" + parts.map((part) => (/^[a-z0-9]+$/.test(part) ? part : `x${part.codePointAt(0).toString(16)}`)).join("");
}

// The items a whole 文号 / 索引号 names, from search/ids/{bucket}.json (generator/publish/search.py,
// identifier_files): what a result shows, without Pagefind.
async function lookUp(folder, word) {
  const response = await fetch(new URL(`${bucketOf(word)}.json`, new URL(folder, location.href)));
  if (!response.ok) return [];
  const words = await response.json();
  return Object.hasOwn(words, word) ? words[word] : [];
}

// FNV-1a (32 bits) of an ASCII word, its low byte in hex: identifier_bucket in search.py.
function bucketOf(word) {
  let hash = 0x811c9dc5;
  for (let at = 0; at < word.length; at++) {
    hash = Math.imul(hash ^ word.charCodeAt(at), 0x01000193) >>> 0;
  }
  return (hash & 0xff).toString(16).padStart(2, "0");
}

// The words of a query as Pagefind makes them: the browser's word segmentation, lower case,
// without punctuation.
function queryTerms(term) {
  if (!term) return [];
  const parts =
    typeof Intl.Segmenter === "function"
      ? [...new Intl.Segmenter("zh", { granularity: "word" }).segment(term)].map((s) => s.segment)
      : term.split(/\s+/);
  return [...new Set(parts.map(normalizeWord).filter(Boolean))];
}

// The words to mark in titles: the query's words and the whole query (a 文号 typed in full).
function queryWords(term) {
  if (!term) return [];
  return [...new Set([normalizeWord(term), ...queryTerms(term)])].filter(Boolean);
}

// Which of the query words a page has: words of its metadata (split on spaces) or of its
// indexed text that start with them, as Pagefind matches.
function wordsOf(page, words) {
  const meta = Object.values(page.meta || {}).flatMap((value) => [value, ...value.split(/\s+/)]);
  const text = (page.raw_content || page.content || "").split(/[\s\u200b]+/);
  const own = [...meta, ...text].map(normalizeWord).filter(Boolean);
  return words.filter((word) => own.some((w) => w.startsWith(word)));
}

function normalizeWord(word) {
  return word.toLowerCase().replace(/[^\p{L}\p{N}]/gu, "");
}

function resultItem(page, words) {
  const meta = page.meta || {};
  const item = element("li", "dp-result");
  const heading = element("h2", "dp-result__title");
  const link = element("a");
  link.href = page.url;
  appendMarked(link, meta.title || page.url, words);
  heading.append(link);
  item.append(heading);

  const facts = element("p", "dp-result__meta");
  const fact = (label, value, marked) => {
    if (!value) return;
    const span = element("span", "dp-result__fact");
    if (label) span.append(`${label}：`);
    if (marked) appendMarked(span, value, words);
    else span.append(value);
    facts.append(span);
  };
  fact("", meta.column, false);
  fact("发布机构", meta.publisher, false);
  fact("发布日期", meta.date, false);
  fact("文号", meta.doc_no, true);
  fact("索引号", meta.index_no, true);
  item.append(facts);

  const excerpt = element("p", "dp-result__excerpt");
  appendExcerpt(excerpt, page.excerpt || "");
  item.append(excerpt);
  return item;
}

function element(name, className) {
  const node = document.createElement(name);
  if (className) node.className = className;
  return node;
}

// Pagefind's excerpt is escaped text with <mark> around matches; rebuild it from text and marks
// only, so that nothing else from the index can reach the page.
function appendExcerpt(target, html) {
  const template = document.createElement("template");
  template.innerHTML = html;
  for (const node of template.content.childNodes) {
    if (node.nodeName === "MARK") {
      const mark = element("mark");
      mark.textContent = node.textContent;
      target.append(mark);
    } else {
      target.append(node.textContent);
    }
  }
  target.append("……");
}

// Text with every occurrence of the query words wrapped in <mark>.
function appendMarked(target, text, words) {
  const lower = text.toLowerCase();
  const marked = new Array(text.length).fill(false);
  for (const word of words) {
    for (let at = lower.indexOf(word); at !== -1; at = lower.indexOf(word, at + 1)) {
      marked.fill(true, at, at + word.length);
    }
  }
  let start = 0;
  while (start < text.length) {
    let end = start;
    while (end < text.length && marked[end] === marked[start]) end++;
    const part = text.slice(start, end);
    if (marked[start]) {
      const mark = element("mark");
      mark.textContent = part;
      target.append(mark);
    } else {
      target.append(part);
    }
    start = end;
  }
}

const searchRoot = document.querySelector("[data-dp-search]");
if (searchRoot) {
  start(searchRoot);
}
