// A local inlang plugin for flat message files ({"key": "Text with {param}"}), so compiling the
// catalogue needs no plugin from a CDN (inlang's message-format plugin is only published there).
const PATH_PATTERN = './messages/{locale}.json';

/** "Text {a} more" → inlang pattern parts and the variables it uses. */
function parsePattern(text) {
  const pattern = [];
  const names = new Set();
  for (const part of text.split(/(\{\w+\})/)) {
    if (part === '') continue;
    const variable = /^\{(\w+)\}$/.exec(part);
    if (variable) {
      names.add(variable[1]);
      pattern.push({ type: 'expression', arg: { type: 'variable-reference', name: variable[1] } });
    } else pattern.push({ type: 'text', value: part });
  }
  return { pattern, names };
}

export default {
  key: 'plugin.archrepair.flatJson',
  toBeImportedFiles: ({ settings }) => settings.locales.map((locale) => ({ locale, path: PATH_PATTERN.replace('{locale}', locale) })),
  importFiles: ({ files }) => {
    const bundles = new Map();
    const messages = [];
    const variants = [];
    for (const file of files) {
      const entries = JSON.parse(new TextDecoder().decode(file.content));
      for (const [key, text] of Object.entries(entries)) {
        if (key.startsWith('$')) continue;
        const { pattern, names } = parsePattern(String(text));
        const declared = bundles.get(key) ?? new Set();
        names.forEach((n) => declared.add(n));
        bundles.set(key, declared);
        messages.push({ bundleId: key, locale: file.locale });
        variants.push({ messageBundleId: key, messageLocale: file.locale, matches: [], pattern });
      }
    }
    return {
      bundles: [...bundles].map(([id, names]) => ({ id, declarations: [...names].map((name) => ({ type: 'input-variable', name })) })),
      messages,
      variants,
    };
  },
  exportFiles: () => [],
};
