import { Button, Group, Modal, Stack, Text, Textarea, type ButtonProps } from '@mantine/core';
import { useState, type ReactNode } from 'react';

interface ConfirmActionProps {
  /** The button that opens the confirmation. */
  label: string;
  /** The dialog's title: the action, named plainly ("Deactivate Sam Patel?"). */
  title: string;
  /** What will happen, in words: the consequence the person is agreeing to. */
  consequence: ReactNode;
  /** The confirming button ("Deactivate account"). */
  confirmLabel: string;
  /** Ask for a reason (destructive or clinical changes); the reason is handed to `onConfirm`. */
  reasonLabel?: string;
  onConfirm: (reason: string) => void;
  loading?: boolean;
  disabled?: boolean;
  danger?: boolean;
  buttonProps?: ButtonProps;
  /** The button submits nothing by itself: it only opens the dialog. */
  fullWidth?: boolean;
  /** An accessible name when the visible label alone is ambiguous in a list ("Unassign Dana Reyes"). */
  ariaLabel?: string;
}

/**
 * A dangerous action behind a confirmation that names its consequence, and (for destructive or clinical changes)
 * a reason in the person's own words, required before the confirm button works.
 */
export function ConfirmAction({ label, title, consequence, confirmLabel, reasonLabel, onConfirm, loading, disabled, danger = true, buttonProps, fullWidth, ariaLabel }: ConfirmActionProps) {
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [tried, setTried] = useState(false);
  const missing = reasonLabel !== undefined && reason.trim() === '';
  const confirm = () => {
    setTried(true);
    if (missing) return;
    setOpen(false);
    onConfirm(reason.trim());
    setReason('');
    setTried(false);
  };
  return (
    <>
      <Button color={danger ? 'red.8' : undefined} variant={danger ? 'outline' : 'filled'} onClick={() => setOpen(true)} loading={loading} disabled={disabled} fullWidth={fullWidth} aria-label={ariaLabel} {...buttonProps}>
        {label}
      </Button>
      <Modal opened={open} onClose={() => setOpen(false)} title={title} closeButtonProps={{ 'aria-label': 'Cancel' }}>
        <Stack gap="md">
          <Text>{consequence}</Text>
          {reasonLabel !== undefined && (
            <Textarea label={reasonLabel} required autosize minRows={2} value={reason} onChange={(e) => setReason(e.currentTarget.value)} error={tried && missing ? 'Write the reason; it is kept in the record.' : undefined} data-autofocus />
          )}
          <Group justify="flex-end" gap="sm" wrap="wrap">
            <Button variant="default" onClick={() => setOpen(false)}>
              Cancel
            </Button>
            <Button color={danger ? 'red.8' : undefined} onClick={confirm}>
              {confirmLabel}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}
