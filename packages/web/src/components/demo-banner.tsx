import { Box, Text } from '@mantine/core';

export const demoBannerHeight = 32;

/** Shown on every page of a demo account so nobody mistakes synthetic data for a real patient's. */
export function DemoBanner() {
  return (
    <Box
      bg="yellow.1"
      h={demoBannerHeight}
      px="xs"
      style={{ display: 'flex', alignItems: 'center', justifyContent: 'center', borderBottom: '1px solid var(--mantine-color-yellow-5)' }}
    >
      <Text fz={{ base: 'xs', xs: 'sm' }} fw={600} c="#3d2e00" ta="center" lineClamp={1}>
        Demo program — synthetic data, not for real patients
      </Text>
    </Box>
  );
}
