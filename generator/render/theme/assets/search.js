// The search page (search/?q=…): answers a query from the static index in search-index/
// (generator/publish/search_index.py, whose formats this must read alike) and lists the results
// with 栏目, 发布机构, 发布日期, 文号, 有效性 and an excerpt, the query's words marked.
//
// A query is cut as the index cut the text: runs of Chinese characters into overlapping pairs
// (a lone character alone), runs of other letters and digits whole. Every token must match
// (AND). Only the pieces a query needs are fetched: a bucket file or a token's own file per
// token, a filter's file when it is chosen, the 有效性 files of lapsed files when several results
// are ranked, and the result blocks of the results shown.

const PAGE_SIZE = 10;
const CJK = "\\u3400-\\u4dbf\\u4e00-\\u9fff\\uf900-\\ufaff\\u{20000}-\\u{3ffff}";
const RUN = new RegExp(`[${CJK}]+|(?:(?![${CJK}])[\\p{L}\\p{N}])+`, "gu");
const IS_CJK = new RegExp(`^[${CJK}]`, "u");
const ALNUM = new RegExp(`^(?![${CJK}])[\\p{L}\\p{N}]$`, "u"); // a letter or digit, not Chinese
const SORTS = ["newest", "oldest"];
// A whole 文号 (源政办〔2026〕145号, in any brackets) or 索引号 (015180001/2026-00234): looked up
// exactly first (search_index.identifier_key).
const DOC_NUMBER = /^[\p{Script=Han}A-Za-z]{1,20}\s*[〔［\[（(【〖]\s*\d{4}\s*[〕］\]）)】〗]\s*\d{1,6}\s*号$/u;
const INDEX_NUMBER = /^[0-9A-Za-z]{4,24}\s*[/／]\s*\d{4}\s*[-－—–]\s*\d{1,8}$/u;

function start(root) {
  const form = root.querySelector(".dp-search__form");
  const input = form.querySelector("input[name=q]");
  const selects = [...form.querySelectorAll("select[data-filter]")];
  const sortSelect = form.querySelector("select[name=sort]");
  const status = root.querySelector(".dp-search__status");
  const list = root.querySelector(".dp-search__results");
  const more = root.querySelector(".dp-search__more");
  const index = new SearchIndex(new URL(root.dataset.index, location.href));
  const ended = endedValidity(selects);

  let generation = 0; // a newer search makes the older one stop rendering
  let current = null; // { found, shown, words }

  function readLocation() {
    const params = new URLSearchParams(location.search);
    input.value = params.get("q") || "";
    for (const select of selects) setSelectValue(select, params.get(select.name) || "");
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

  // The chosen filters: key → the number of the chosen value (its file f/{key}-{n}.bin).
  function chosenFilters() {
    const chosen = {};
    for (const select of selects) {
      if (select.value) chosen[select.dataset.filter] = select.selectedOptions[0].dataset.n;
    }
    return chosen;
  }

  async function run() {
    const mine = ++generation;
    root.setAttribute("aria-busy", "true");
    try {
      await search(mine);
    } catch (error) {
      if (mine === generation) status.textContent = "检索服务暂时无法使用，请稍后再试，或按分类浏览。";
      console.error(error);
    } finally {
      if (mine === generation) root.setAttribute("aria-busy", "false");
    }
  }

  async function search(mine) {
    const term = input.value.trim();
    const chosen = chosenFilters();
    list.replaceChildren();
    more.hidden = true;
    resetCounts(selects);
    current = null;
    if (!term && !Object.keys(chosen).length) {
      status.textContent = "请输入检索词，或选择栏目、主题分类等筛选条件。";
      return;
    }
    status.textContent = "正在检索……";
    const found = await index.find(term, chosen, sortSelect.value, ended);
    if (mine !== generation) return;
    current = { found, shown: 0, words: found.words || markedWords(term) };
    await showMore(mine, false);
    if (mine !== generation) return;
    const total = found.results.length;
    let what = term ? `与“${term}”相关的信息` : "符合条件的信息";
    if (found.words) what = `同时含有${found.words.map((word) => `“${word}”`).join("")}的信息`;
    if (total) {
      status.textContent = `找到 ${total} 条${what}。`;
    } else {
      status.replaceChildren(...noResults(what, term, Object.keys(chosen).length > 0));
    }
  }

  // The message when nothing is found, with what to try instead: each word of a query of
  // several, fewer filters, the browse pages.
  function noResults(what, term, filtered) {
    const parts = [`没有找到${what}。建议：检查有无错别字，或换用更短、更常用的词语`];
    const words = term.split(/\s+/).filter(Boolean);
    if (words.length > 1) {
      parts.push("；分开检索");
      words.forEach((word, at) => {
        const link = element("a");
        link.href = `?q=${encodeURIComponent(word)}`;
        link.textContent = `“${word}”`;
        parts.push(at ? "、" : "", link);
      });
    }
    if (filtered) parts.push("；减少筛选条件");
    const browse = element("a");
    browse.href = new URL("../browse/", index.root).href;
    browse.textContent = "按分类浏览";
    parts.push("；或", browse, "全部信息。");
    return parts;
  }

  async function showMore(mine, moveFocus) {
    const { found, shown, words } = current;
    const slice = found.results.slice(shown, shown + PAGE_SIZE);
    const records = await index.records(slice);
    if (mine !== generation) return;
    const ordered = found.sorted ? records : byPhrase(records, words);
    const items = ordered.map((record) => resultItem(record, index.siteRoot, words));
    list.append(...items);
    current.shown = shown + slice.length;
    more.hidden = current.shown >= found.results.length;
    more.textContent = `显示更多结果（还有 ${found.results.length - current.shown} 条）`;
    if (moveFocus && items.length) items[0].querySelector("a").focus();
  }

  // The counts of a filter's values among the results, fetched when the filter is opened.
  async function showCounts(select) {
    if (!current || select.dataset.counted === String(generation)) return;
    const mine = generation;
    const counts = await index.counts(current.found, select.dataset.filter, select.options.length - 1);
    if (mine !== generation) return;
    select.dataset.counted = String(mine);
    for (const option of select.options) {
      if (!option.value) continue;
      const count = counts[Number(option.dataset.n)];
      option.textContent = `${option.value}（${count}）`;
      option.disabled = count === 0 && option.value !== select.value;
    }
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
  for (const select of selects) {
    const counted = () => showCounts(select).catch(() => {});
    select.addEventListener("focus", counted);
    select.addEventListener("pointerdown", counted);
  }
  more.addEventListener("click", () => showMore(generation, true));
  input.addEventListener("focus", () => index.load().catch(() => {}), { once: true });
  window.addEventListener("popstate", () => {
    readLocation();
    run();
  });

  readLocation();
  if (input.value.trim() || selects.some((select) => select.value)) run();
  else input.focus();
}

class SearchIndex {
  constructor(root) {
    this.root = root;
    this.siteRoot = new URL("../", root);
    this.files = new Map(); // path → promise of its bytes or JSON
    this.meta = null;
  }

  load() {
    if (!this.meta) {
      this.meta = fetch(new URL("meta.json", this.root), { cache: "no-cache" }).then((response) => {
        if (!response.ok) throw new Error(`meta.json: ${response.status}`);
        return response.json();
      });
      this.meta.catch(() => {
        this.meta = null; // let the next search try again
      });
    }
    return this.meta;
  }

  // A file of the index, fetched once; its version in the query, so that a rebuilt index is
  // never read with an old file from the browser's cache. A missing file: null.
  async file(path, json) {
    const meta = await this.load();
    if (!this.files.has(path)) {
      const url = new URL(`${path}?v=${meta.version}`, this.root);
      const loading = fetch(url).then(async (response) => {
        if (response.status === 404) return null;
        if (!response.ok) throw new Error(`${path}: ${response.status}`);
        return json ? response.json() : new Uint8Array(await response.arrayBuffer());
      });
      loading.catch(() => this.files.delete(path));
      this.files.set(path, loading);
    }
    return this.files.get(path);
  }

  // A token's three postings (anywhere, title, 文号/索引号), or null when no item has it.
  async postings(token) {
    const meta = await this.load();
    const bucket = await this.file(`b/${hashOf(token) % meta.buckets}.bin`);
    const wanted = new TextEncoder().encode(token);
    let at = 0;
    while (bucket && at < bucket.length) {
      let length;
      [length, at] = readVarint(bucket, at);
      const same = length === wanted.length && wanted.every((byte, i) => bucket[at + i] === byte);
      at += length;
      const own = bucket[at++];
      if (same) {
        if (own) return readLists(await this.file(`t/${hex(wanted)}.bin`), 0);
        return readLists(bucket, at);
      }
      if (!own) at = readLists(bucket, at).end;
    }
    return null;
  }

  async lookUp(key) {
    const meta = await this.load();
    const bucket = await this.file(`k/${hashOf(key) % meta.lookups}.json`, true);
    return bucket && Object.hasOwn(bucket, key) ? bucket[key] : [];
  }

  async filter(key, n) {
    const data = await this.file(`f/${key}-${n}.bin`);
    return data ? readPostings(data, 0).numbers : [];
  }

  // The results of a query: document numbers in the order shown, and what gave them (for the
  // filter counts). Relevance: every token in the title first, then in the 文号 / 索引号, then
  // some in the title, then the rest; within each, a file in force before one that is no longer
  // (`ended`: the 有效性 filter's files of 已修订, 已废止 and 失效), then newest first. A whole
  // 文号 or 索引号 found exactly is the answer by itself.
  async find(term, chosen, sort, ended = []) {
    const meta = await this.load();
    const filterLists = {};
    await Promise.all(
      Object.entries(chosen).map(async ([key, n]) => {
        filterLists[key] = await this.filter(key, n);
      }),
    );
    let base = null; // the documents the query matches; null: every document
    let rank = () => 0;
    let words = null; // the words the query was cut into, when it had to be (see cut)
    const identifier = identifierKey(term);
    const exact = identifier ? await this.lookUp(identifier) : [];
    if (exact.length) {
      base = [...exact].sort((a, b) => a - b);
    } else if (term) {
      const pairs = queryPairs(term);
      const lists = await Promise.all(pairs.map(({ token }) => this.postings(token)));
      const found = cut(pairs, lists);
      base = found ? found.numbers : [];
      if (found) {
        rank = ranking(found.lists, meta.documents);
        if (found.dropped.length) words = wordsAfterCut(term, found.dropped);
      }
    }
    let numbers = base;
    for (const list of Object.values(filterLists)) numbers = numbers ? intersect(numbers, list) : list;
    numbers = [...(numbers || [])];
    const score = new Map(numbers.map((n) => [n, rank(n)]));
    if (sort === "oldest") numbers.sort((a, b) => a - b);
    else if (sort === "newest") numbers.sort((a, b) => b - a);
    else {
      const files = numbers.length > 1 ? ended : []; // one result needs no order
      const lapsed = new Set((await Promise.all(files.map((n) => this.filter("validity", n)))).flat());
      const order = (n) => score.get(n) * 2 + (lapsed.has(n) ? 1 : 0);
      numbers.sort((a, b) => order(a) - order(b) || b - a);
    }
    return { results: numbers, base, filterLists, words, sorted: SORTS.includes(sort) };
  }

  // For the filter `key` with `count` values: how many results each value would give, the
  // choice made in that filter left out.
  async counts(found, key, count) {
    const values = await Promise.all(Array.from({ length: count }, (_, n) => this.filter(key, n)));
    let within = found.base;
    for (const [other, list] of Object.entries(found.filterLists)) {
      if (other !== key) within = within ? intersect(within, list) : list;
    }
    if (!within) return values.map((list) => list.length);
    const meta = await this.load();
    const marked = new Uint8Array(meta.documents);
    for (const n of within) marked[n] = 1;
    return values.map((list) => list.reduce((sum, n) => sum + marked[n], 0));
  }

  // The result records of document numbers, from their blocks, in the same order.
  async records(numbers) {
    const meta = await this.load();
    const blocks = [...new Set(numbers.map((n) => Math.floor(n / meta.block)))];
    const loaded = new Map();
    await Promise.all(blocks.map(async (b) => loaded.set(b, await this.file(`r/${b}.json`, true))));
    return numbers.map((n) => loaded.get(Math.floor(n / meta.block))[n % meta.block]);
  }
}

// The documents with every token of the query (AND). Where none has them all, a run of Chinese
// characters typed as one may be two words (临时救助政策解读): the pair across each place where
// both sides keep two characters or more is left out, one place at a time, the first place that
// finds documents kept. The query's first and last pairs are never left out, so a word that no
// item has still finds nothing (火星移民). Returns the numbers, the postings used and the pairs
// left out; null when nothing is found.
function cut(pairs, lists) {
  const match = (skipped) => {
    const used = lists.filter((_, at) => at !== skipped);
    if (used.some((list) => !list)) return null;
    const numbers = used.map((list) => list.anywhere).sort((a, b) => a.length - b.length).reduce(intersect);
    return numbers.length ? { numbers, lists: used, dropped: skipped === -1 ? [] : [pairs[skipped]] } : null;
  };
  if (!pairs.length) return null;
  const whole = match(-1);
  if (whole) return whole;
  for (let at = 0; at < pairs.length; at++) {
    const found = pairs[at].inner ? match(at) : null;
    if (found) return found;
  }
  return null;
}

// The query's runs with the run holding a left-out pair cut there: the words to show.
function wordsAfterCut(term, dropped) {
  const words = [];
  for (const [number, run] of runsOf(term).entries()) {
    const chars = Array.from(run);
    let from = 0;
    for (const pair of dropped) {
      if (pair.run !== number) continue;
      words.push(chars.slice(from, pair.at + 1).join(""));
      from = pair.at + 1;
    }
    words.push(chars.slice(from).join(""));
  }
  return words;
}

// A rank a document (lower first) from the title and 文号 postings of the query's tokens.
function ranking(lists, documents) {
  const inTitle = new Uint8Array(documents);
  const inIdentifiers = new Uint8Array(documents);
  for (const list of lists) {
    for (const n of list.title) inTitle[n]++;
    for (const n of list.identifiers) inIdentifiers[n]++;
  }
  const all = lists.length;
  return (n) => (inTitle[n] === all ? 0 : inIdentifiers[n] === all ? 1 : inTitle[n] ? 2 : 3);
}

// Within a screen of results in relevance order, those whose title holds the query's words as
// typed (a phrase, not pairs scattered) before those that do not; the order otherwise kept.
function byPhrase(records, words) {
  const whole = (record) => words.every((word) => normalize(record.title).includes(word));
  return [...records.filter(whole), ...records.filter((record) => !whole(record))];
}

function normalize(text) {
  return text.normalize("NFKC").toLowerCase();
}

// The runs of a query: Chinese characters, or other letters and digits.
function runsOf(term) {
  return normalize(term).match(RUN) || [];
}

// The tokens of a query as the index cut the text, each once: { token, run, at, inner } — a
// pair of Chinese characters is `inner` when two characters or more of its run lie on each side
// of the place between its two.
function queryPairs(term) {
  const pairs = new Map();
  for (const [run, text] of runsOf(term).entries()) {
    const chars = Array.from(text);
    if (chars.length > 1 && IS_CJK.test(text)) {
      for (let at = 0; at + 1 < chars.length; at++) {
        const token = chars[at] + chars[at + 1];
        const inner = at >= 1 && at + 3 <= chars.length;
        if (!pairs.has(token)) pairs.set(token, { token, run, at, inner });
      }
    } else if (!pairs.has(text)) {
      pairs.set(text, { token: text, run, at: 0, inner: false });
    }
  }
  return [...pairs.values()];
}

function queryTokens(term) {
  return queryPairs(term).map(({ token }) => token);
}

// The numbers of the 有效性 filter's files that list files no longer in force.
function endedValidity(selects) {
  const validity = selects.find((select) => select.dataset.filter === "validity");
  if (!validity) return [];
  const options = [...validity.options].filter((option) => option.value && option.value !== "现行有效");
  return options.map((option) => option.dataset.n);
}

// The words to mark in results: the query's words as typed (51号 whole, not 51 and 号 apart),
// a whole 文号 or 索引号 in the brackets the site writes, longest first.
function markedWords(term) {
  const identifier = identifierKey(term);
  if (identifier) return [identifier];
  const edges = /^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu; // quotes or brackets typed around a word
  const words = normalize(term).split(/\s+/).map((word) => word.replace(edges, "")).filter(Boolean);
  return [...new Set(words)].sort((a, b) => b.length - a.length);
}

function identifierKey(term) {
  if (!term || !(DOC_NUMBER.test(term) || INDEX_NUMBER.test(term))) return null;
  return normalize(term).replace(/\s+/g, "").replace(/[[(【〖〔]/g, "〔").replace(/[\])】〗〕]/g, "〕");
}

// FNV-1a (32 bits) of a text's UTF-8: search_index.fnv1a.
function hashOf(text) {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
  return hash;
}

function hex(bytes) {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

function readVarint(data, at) {
  let value = 0;
  let scale = 1;
  for (;;) {
    const byte = data[at++];
    value += (byte & 0x7f) * scale;
    if (byte < 0x80) return [value, at];
    scale *= 128;
  }
}

// One posting (search_index.encode_postings): ascending document numbers, and where it ends.
function readPostings(data, at) {
  let header;
  [header, at] = readVarint(data, at);
  const kind = header % 3;
  const end = at + (header - kind) / 3;
  const numbers = [];
  if (kind === 0) {
    let value = 0;
    while (at < end) {
      let gap;
      [gap, at] = readVarint(data, at);
      value += gap;
      numbers.push(value);
    }
  } else if (kind === 1) {
    let first;
    [first, at] = readVarint(data, at);
    for (let position = at; position < end; position++) {
      const byte = data[position];
      for (let bit = 0; bit < 8; bit++) {
        if ((byte >> bit) & 1) numbers.push((first + position - at) * 8 + bit);
      }
    }
  } else {
    let number = 0;
    while (at < end) {
      let gap, length;
      [gap, at] = readVarint(data, at);
      [length, at] = readVarint(data, at);
      number += gap;
      for (let i = 0; i < length; i++) numbers.push(number + i);
      number += length;
    }
  }
  return { numbers, end };
}

function readLists(data, at) {
  const [anywhere, title, identifiers] = [0, 1, 2].map(() => {
    const posting = readPostings(data, at);
    at = posting.end;
    return posting.numbers;
  });
  return { anywhere, title, identifiers, end: at };
}

// The numbers in both ascending lists.
function intersect(a, b) {
  const both = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] < b[j]) i++;
    else if (a[i] > b[j]) j++;
    else {
      both.push(a[i]);
      i++;
      j++;
    }
  }
  return both;
}

function setSelectValue(select, value) {
  const known = [...select.options].some((option) => option.value === value);
  select.value = known ? value : "";
}

function resetCounts(selects) {
  for (const select of selects) {
    delete select.dataset.counted;
    for (const option of select.options) {
      if (!option.value) continue;
      option.textContent = `${option.value}（${option.dataset.total}）`;
      option.disabled = false;
    }
  }
}

function resultItem(record, siteRoot, words) {
  const item = element("li", "dp-result");
  const heading = element("h2", "dp-result__title");
  const link = element("a");
  link.href = new URL(record.url, siteRoot).href;
  appendMarked(link, record.title, words);
  heading.append(link);
  if (record.validity) {
    // the badge of the lists (partials/validity-badge.html)
    const badge = element("span", "dp-validity");
    if (record.validity !== "现行有效") badge.classList.add("dp-validity--ended");
    badge.textContent = record.validity;
    heading.append(" ", badge);
  }
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
  fact("", record.column, false);
  fact("发布机构", record.publisher, false);
  fact("发布日期", record.date, false);
  fact("文号", record.doc_no, true);
  fact("索引号", record.index_no, true);
  item.append(facts);

  const excerpt = element("p", "dp-result__excerpt");
  appendMarked(excerpt, record.summary || record.excerpt || "", words);
  item.append(excerpt);
  return item;
}

function element(name, className) {
  const node = document.createElement(name);
  if (className) node.className = className;
  return node;
}

// Text with every occurrence of the query's words wrapped in <mark>. Found in the normalized
// text where normalizing keeps its length (full-width letters and digits match), else in the
// lower case text. A word that starts or ends with a letter or digit is marked only where it
// does not continue a longer run of them (51 is not marked inside 2018-00051).
function appendMarked(target, text, words) {
  const folded = normalize(text);
  const lower = folded.length === text.length ? folded : text.toLowerCase();
  const marked = new Array(text.length).fill(false);
  const joins = (a, b) => ALNUM.test(a || "") && ALNUM.test(b || "");
  for (const word of words) {
    for (let at = lower.indexOf(word); at !== -1; at = lower.indexOf(word, at + 1)) {
      const end = at + word.length;
      if (joins(lower[at - 1], word[0]) || joins(word[word.length - 1], lower[end])) continue;
      marked.fill(true, at, end);
    }
  }
  let from = 0;
  while (from < text.length) {
    let end = from;
    while (end < text.length && marked[end] === marked[from]) end++;
    const part = text.slice(from, end);
    if (marked[from]) {
      const mark = element("mark");
      mark.textContent = part;
      target.append(mark);
    } else {
      target.append(part);
    }
    from = end;
  }
}

const searchRoot = document.querySelector("[data-dp-search]");
if (searchRoot) start(searchRoot);
