import { createTheme, Modal, type CSSVariablesResolver, type MantineColorsTuple } from '@mantine/core';

// A deep teal. Shade 7 is the primary: white text on it is 7.4:1, and it reads as a link colour on white
// (7.4:1), comfortably above WCAG 2.1 AA (4.5:1 for body text).
const keel: MantineColorsTuple = [
  '#e7f3f5',
  '#cde5ea',
  '#9ecbd4',
  '#6cafbd',
  '#4497a8',
  '#2b8598',
  '#1d7283',
  '#125e6c',
  '#0b4b57',
  '#053842',
];

// Mantine's reds are too light for white text (its red-7 is 3.8:1). These keep the same hues darker: red-7, the
// filled shade, is 5.5:1 with white; red-8 (error text) is 7.4:1 on white; red-9 on red-1 (light alerts) is 8:1.
const red: MantineColorsTuple = [
  '#fff5f5',
  '#ffe3e3',
  '#ffc9c9',
  '#ffa8a8',
  '#ff8787',
  '#f25555',
  '#e03131',
  '#c92a2a',
  '#a61e1e',
  '#861515',
];

// Mantine draws input, checkbox and radio borders in gray-4; its #ced4da is 1.5:1 on white, below the 3:1 that
// WCAG 1.4.11 asks of a control's boundary. This gray-4 is 3.3:1.
const gray: MantineColorsTuple = [
  '#f8f9fa',
  '#f1f3f5',
  '#e9ecef',
  '#dee2e6',
  '#858e97',
  '#737c86',
  '#5f6871',
  '#495057',
  '#343a40',
  '#212529',
];

// The system font stack: no web fonts (the CSP allows only 'self', and nothing is fetched from a CDN).
const systemFonts =
  'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", "Liberation Sans", sans-serif';

export const theme = createTheme({
  primaryColor: 'keel',
  primaryShade: 7,
  colors: { keel, red, gray },
  fontFamily: systemFonts,
  headings: { fontFamily: systemFonts, fontWeight: '650' },
  defaultRadius: 'md',
  cursorType: 'pointer',
  // Mantine's focus ring shows only for keyboard focus (:focus-visible); it is made thicker in global.css.
  focusRing: 'auto',
  // Text on a filled colour is black or white, whichever passes 4.5:1: at a luminance of 0.18 both just pass.
  autoContrast: true,
  luminanceThreshold: 0.18,
  components: {
    Modal: Modal.extend({
      styles: { title: { fontWeight: 700, fontSize: 'var(--mantine-font-size-xl)' } },
    }),
  },
});

/**
 * Mantine's default dimmed and placeholder greys are below 4.5:1 on white; these are darker so secondary text
 * stays readable (WCAG 2.1 AA, 1.4.3).
 */
export const cssVariablesResolver: CSSVariablesResolver = () => ({
  variables: {},
  light: {
    '--mantine-color-dimmed': '#4a5560',
    '--mantine-color-placeholder': '#5f6b76',
    '--mantine-color-body': '#f7faf9',
    '--mantine-color-error': 'var(--mantine-color-red-8)',
    // Cards and dividers are decoration, not controls: they keep a light border.
    '--mantine-color-default-border': 'var(--mantine-color-gray-3)',
  },
  dark: {},
});
