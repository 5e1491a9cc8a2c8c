/** Test helper: a deeply reactive ($state) copy of a plain object, so stubs can be bound to like real state. */
export function reactive<T extends object>(value: T): T {
  const state = $state(value);
  return state;
}
