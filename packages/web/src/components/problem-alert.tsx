import { Alert, List } from '@mantine/core';
import { fieldWords, isApiError, plainMessage, type ApiError } from '../api/api-error.ts';

interface ProblemAlertProps {
  error: unknown;
  /** Field errors shown beside their fields are left out of the list here. */
  fieldsShownInline?: readonly string[];
  title?: string;
}

/** For RATE_LIMITED problems that say when to try again. */
function retryHint(error: ApiError | null): string | null {
  if (!error || error.code !== 'RATE_LIMITED') return null;
  const seconds = error.problem['retryAfterSeconds'];
  if (typeof seconds !== 'number' || seconds <= 0) return null;
  const minutes = Math.ceil(seconds / 60);
  return `You can try again in about ${minutes} minute${minutes === 1 ? '' : 's'}.`;
}

/** An error from the API, in words a person can act on: the problem's detail, and field errors not shown inline. */
export function ProblemAlert({ error, fieldsShownInline = [], title }: ProblemAlertProps) {
  if (!error) return null;
  const apiError = isApiError(error) ? error : null;
  const heading = title ?? apiError?.problem.title ?? 'Something went wrong';
  const detail = apiError ? apiError.detail : 'Something unexpected happened. Try again.';
  const inline = new Set(fieldsShownInline.flatMap((f) => [f, `body.${f}`]));
  const otherFieldErrors = apiError?.fieldErrors.filter((e) => !inline.has(e.field)) ?? [];
  const hint = retryHint(apiError);
  const hasInline = (apiError?.fieldErrors.length ?? 0) > otherFieldErrors.length;
  return (
    <Alert color="red" variant="light" title={heading} role="alert">
      {hasInline ? 'Check the highlighted fields.' : detail}
      {hint && ` ${hint}`}
      {otherFieldErrors.length > 0 && (
        <List size="sm" mt="xs">
          {otherFieldErrors.map((e) => (
            <List.Item key={`${e.field}:${e.message}`}>
              {fieldWords(e.field)}: {plainMessage(e.message)}
            </List.Item>
          ))}
        </List>
      )}
    </Alert>
  );
}
