export type Style = Partial<CSSStyleDeclaration>;

/** Element with class and inline style (CSSOM styles pass a strict CSP; `<style>` would not). */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className: string,
  style: Style = {},
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  element.className = className;
  Object.assign(element.style, style);
  return element;
}
