const HTML_ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (character) => HTML_ENTITIES[character] ?? character);
}

/** A template literal tag that escapes every interpolated value, so no caller can forget to. */
export function html(strings: TemplateStringsArray, ...values: Array<string | number>): string {
  return strings.reduce((out, part, index) => {
    const value = values[index - 1];
    return out + escapeHtml(String(value)) + part;
  });
}
