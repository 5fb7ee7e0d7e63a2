import { Button } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { CrisisDialog } from './crisis-dialog.tsx';

/** Always in the header, signed in or not: opens the crisis resources. */
export function CrisisButton() {
  const [opened, { open, close }] = useDisclosure(false);
  return (
    <>
      <Button color="red" size="sm" onClick={open} aria-haspopup="dialog">
        Crisis help
      </Button>
      <CrisisDialog opened={opened} onClose={close} />
    </>
  );
}
