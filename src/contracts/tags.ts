// How observation tags become distribution keys. Actions and outcomes compare lowercased.
// Targets map onto categories, the keys the contract names for targets (nomotic-notes §5.1
// pitfall 2: raw targets never match prefix categories): the longest category that prefixes the
// lowercased target, else the target's first segment.

export function tagKey(tag: string): string {
  return tag.toLowerCase();
}

export function categorizer(categories: Iterable<string>): (target: string) => string {
  const byLength = [...new Set(categories)].sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
  return (target) => {
    const t = target.toLowerCase();
    for (const c of byLength) if (t.startsWith(c)) return c;
    return t.split(/[/:.#?@\s]/, 1)[0] || t;
  };
}

/** Scope target entries are prefixes of the lowercased target. */
export function inTargetScope(prefixes: readonly string[], target: string): boolean {
  const t = target.toLowerCase();
  return prefixes.some((p) => t.startsWith(p));
}
