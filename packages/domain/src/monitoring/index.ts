// Public surface of the monitoring core: assessment schedule, outcomes, safety alerts, crisis resources, the
// dependence warning-sign engine and the risk tier. Pure functions over plain data; `now` is always a parameter.

export * from './monitoring-types.ts';
export * from './monitoring-settings.ts';
export * from './assessment-schedule.ts';
export * from './outcomes.ts';
export * from './alert-rules.ts';
export * from './urgent-language.ts';
export * from './crisis-resources.ts';
export * from './warning-signs.ts';
export * from './risk-tier.ts';
