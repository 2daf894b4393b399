// Full-text issue search for the local workspace: a small stand-in for Linear's ranking. Every query word that
// appears in an issue's identifier, title or description scores; the best-scoring, most recently updated first.
const stopWords = new Set(['a', 'an', 'and', 'are', 'for', 'in', 'is', 'of', 'on', 'or', 'the', 'to', 'with']);

export function searchTerms(query: string): string[] {
  const words = query
    .toLowerCase()
    .split(/[^\p{L}\p{N}-]+/u)
    .filter((w) => w.length > 0 && !stopWords.has(w));
  return [...new Set(words)];
}

interface Searchable {
  identifier: string;
  title: string;
  description: string | null;
  updatedAt: string;
}

/** 0 when nothing matches. An exact identifier (`OPS-42`) outranks any wording. */
export function searchScore(issue: Searchable, terms: readonly string[]): number {
  const identifier = issue.identifier.toLowerCase();
  const title = issue.title.toLowerCase();
  const description = (issue.description ?? '').toLowerCase();
  let score = 0;
  for (const term of terms) {
    if (term === identifier) score += 100;
    else if (title.includes(term)) score += 3;
    else if (description.includes(term)) score += 1;
  }
  return score;
}

export function rankBySearch<T extends Searchable>(issues: readonly T[], query: string): T[] {
  const terms = searchTerms(query);
  return issues
    .map((issue) => ({ issue, score: searchScore(issue, terms) }))
    .filter((r) => r.score > 0)
    .sort((a, b) => b.score - a.score || b.issue.updatedAt.localeCompare(a.issue.updatedAt))
    .map((r) => r.issue);
}
