export const coachBasePath = '/coach';
