import { Anchor, List, Stack, Text, Title, type TitleOrder } from '@mantine/core';
import type { ReactNode } from 'react';

/**
 * Renders the Markdown the API serves (consent, education) as React elements: headings, paragraphs, bullet and
 * numbered lists, **bold**, *italic* and https links. Nothing is ever injected as HTML, so text that looks like
 * markup stays text.
 */

type Block =
  | { kind: 'heading'; level: number; text: string }
  | { kind: 'paragraph'; text: string }
  | { kind: 'list'; ordered: boolean; items: string[] };

function parse(markdown: string): Block[] {
  const blocks: Block[] = [];
  let paragraph: string[] = [];
  let list: { ordered: boolean; items: string[] } | null = null;
  const flush = () => {
    if (paragraph.length > 0) blocks.push({ kind: 'paragraph', text: paragraph.join(' ') });
    paragraph = [];
    if (list) blocks.push({ kind: 'list', ...list });
    list = null;
  };
  for (const raw of markdown.split(/\r?\n/)) {
    const line = raw.trimEnd();
    if (line.trim() === '') {
      flush();
      continue;
    }
    const heading = /^(#{1,6})\s+(.*)$/.exec(line);
    if (heading) {
      flush();
      blocks.push({ kind: 'heading', level: heading[1]?.length ?? 1, text: heading[2] ?? '' });
      continue;
    }
    const bullet = /^\s{0,3}[-*]\s+(.*)$/.exec(line);
    const numbered = /^\s{0,3}\d+[.)]\s+(.*)$/.exec(line);
    const item = bullet ?? numbered;
    if (item) {
      const ordered = numbered !== null && bullet === null;
      if (paragraph.length > 0) {
        blocks.push({ kind: 'paragraph', text: paragraph.join(' ') });
        paragraph = [];
      }
      if (!list || list.ordered !== ordered) {
        if (list) blocks.push({ kind: 'list', ...list });
        list = { ordered, items: [] };
      }
      list.items.push(item[1] ?? '');
      continue;
    }
    if (list && /^\s+/.test(raw)) {
      const last = list.items.length - 1;
      list.items[last] = `${list.items[last] ?? ''} ${line.trim()}`;
      continue;
    }
    if (list) {
      blocks.push({ kind: 'list', ...list });
      list = null;
    }
    paragraph.push(line.trim());
  }
  flush();
  return blocks;
}

/** **bold**, *italic*, `code` and [text](https://…) as elements; everything else as plain text. */
function inline(text: string): ReactNode[] {
  const out: ReactNode[] = [];
  const pattern = /\*\*(.+?)\*\*|\*(.+?)\*|`(.+?)`|\[(.+?)\]\((\S+?)\)/g;
  let last = 0;
  let key = 0;
  for (const match of text.matchAll(pattern)) {
    const index = match.index;
    if (index > last) out.push(text.slice(last, index));
    if (match[1] !== undefined) out.push(<strong key={key++}>{match[1]}</strong>);
    else if (match[2] !== undefined) out.push(<em key={key++}>{match[2]}</em>);
    else if (match[3] !== undefined) out.push(<code key={key++}>{match[3]}</code>);
    else if (match[4] !== undefined) {
      const href = match[5] ?? '';
      out.push(
        /^(https:\/\/|mailto:|tel:)/.test(href) ? (
          <Anchor key={key++} href={href} target={href.startsWith('https') ? '_blank' : undefined} rel="noopener noreferrer" underline="always">
            {match[4]}
          </Anchor>
        ) : (
          match[4]
        ),
      );
    }
    last = index + match[0].length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

interface MarkdownTextProps {
  markdown: string;
  /** The heading level a top-level "#" becomes, so headings stay in order under the page's own. */
  topLevel?: 2 | 3;
  /** Leave out the document's own top heading when the page already shows it. */
  skipFirstHeading?: boolean;
}

export function MarkdownText({ markdown, topLevel = 2, skipFirstHeading = false }: MarkdownTextProps) {
  let blocks = parse(markdown);
  if (skipFirstHeading && blocks[0]?.kind === 'heading') blocks = blocks.slice(1);
  const minLevel = Math.min(...blocks.filter((b) => b.kind === 'heading').map((b) => (b.kind === 'heading' ? b.level : 6)), 6);
  return (
    <Stack gap="sm" maw="75ch">
      {blocks.map((block, i) => {
        switch (block.kind) {
          case 'heading': {
            const order = Math.min(6, topLevel + (block.level - minLevel)) as TitleOrder;
            return (
              <Title key={i} order={order} size={order <= 2 ? 'h3' : 'h4'} mt="sm">
                {inline(block.text)}
              </Title>
            );
          }
          case 'paragraph':
            return <Text key={i}>{inline(block.text)}</Text>;
          case 'list':
            return (
              <List key={i} type={block.ordered ? 'ordered' : 'unordered'} spacing={4} withPadding>
                {block.items.map((item, j) => (
                  <List.Item key={j}>{inline(item)}</List.Item>
                ))}
              </List>
            );
        }
      })}
    </Stack>
  );
}
