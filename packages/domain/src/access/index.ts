export * from './access-policy.ts';
