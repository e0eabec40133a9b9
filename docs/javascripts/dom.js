// The one helper every component builds its HTML with.

/**
 * A new element: el("p", {class: "note", text: "Hello"}, [child, "text"]). The key `text`
 * sets textContent; every other key is an attribute.
 */
export function el(tag, attrs, children) {
  const node = document.createElement(tag)
  for (const key in attrs || {}) {
    if (key === "text") node.textContent = attrs[key]
    else node.setAttribute(key, attrs[key])
  }
  for (const child of children || []) node.append(child)
  return node
}
