export const mainContentId = 'main-content';

/** The first focusable thing on every page: jumps past the header and navigation (WCAG 2.4.1). */
export function SkipLink() {
  return (
    <a className="keel-skip-link" href={`#${mainContentId}`}>
      Skip to main content
    </a>
  );
}
