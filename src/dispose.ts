// `using x = …` support without installing a global polyfill: where the engine has
// Symbol.dispose, a class's [Symbol.dispose] is its dispose(). (Node 20 has the symbol but not
// the syntax; code down-levelled by TypeScript calls it.)

/** Makes `[Symbol.dispose]` an alias of `dispose` on the prototype of `C`. */
export function disposable(C: { prototype: { dispose(): void } }): void {
  const symbol = typeof Symbol === 'function' ? (Symbol as { dispose?: symbol }).dispose : undefined;
  if (typeof symbol === 'symbol') (C.prototype as unknown as Record<symbol, unknown>)[symbol] = C.prototype.dispose;
}
