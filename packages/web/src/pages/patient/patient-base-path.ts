export const patientBasePath = '/patient';
