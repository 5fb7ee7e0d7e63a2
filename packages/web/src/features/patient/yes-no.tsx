import { Group, Radio } from '@mantine/core';

interface YesNoProps {
  label: string;
  value: boolean | undefined;
  onChange: (value: boolean) => void;
  description?: string;
  error?: string | undefined;
  name: string;
}

/** A yes/no question as two radio buttons: clear to read, easy to tap, keyboard-friendly. */
export function YesNo({ label, value, onChange, description, error, name }: YesNoProps) {
  return (
    <Radio.Group
      name={name}
      label={label}
      description={description}
      error={error}
      value={value === undefined ? null : value ? 'yes' : 'no'}
      onChange={(v) => onChange(v === 'yes')}
    >
      <Group gap="lg" mt={6}>
        <Radio value="yes" label="Yes" />
        <Radio value="no" label="No" />
      </Group>
    </Radio.Group>
  );
}
