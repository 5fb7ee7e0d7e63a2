export const clinicianBasePath = '/clinician';
