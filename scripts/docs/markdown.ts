/** A fenced code block of a Markdown file. */
export interface CodeBlock {
  lang: string;
  code: string;
  /** The file it is, when its first line is a comment naming one: `// server.mjs: …`. */
  file?: string;
}

const FENCE = /^```(\w*)[^\n]*\n([\s\S]*?)^```\s*$/gm;
const FILE_COMMENT = /^(?:\/\/|#|<!--)\s*([\w./-]+\.(?:mjs|js|sh|html))\b/;

/** The code blocks of `markdown`, in order. */
export function codeBlocks(markdown: string): CodeBlock[] {
  return [...markdown.matchAll(FENCE)].map(([, lang = '', code = '']) => {
    const file = code.match(FILE_COMMENT)?.[1];
    return { lang, code, ...(file ? { file } : {}) };
  });
}
