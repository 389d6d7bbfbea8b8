/** A small insertion-ordered cache: trends and chart PNGs are pure functions of immutable runs. */
export interface Cache<V> {
  get(k: string): V | undefined;
  set(k: string, v: V): V;
  delete(k: string): void;
}

export function createCache<V>(size: number): Cache<V> {
  const map = new Map<string, V>();
  return {
    get: (k) => map.get(k),
    set(k, v) {
      map.delete(k);
      map.set(k, v);
      while (map.size > size) map.delete(map.keys().next().value as string);
      return v;
    },
    delete: (k) => void map.delete(k),
  };
}
