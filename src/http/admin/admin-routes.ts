import type { AdminRouteRegistrar } from './admin-deps';
import { registerOrganizationRoutes } from './organization-routes';
import { registerDeliveryRoutes } from './delivery-routes';
import { registerOpenApiRoute } from './openapi-route';
import { registerHoldRoutes } from './hold-routes';

/**
 * Every area of the admin API registers here, one line each
 * (organizations and portal links, delivery and sinks, …).
 */
export const ADMIN_ROUTE_REGISTRARS: AdminRouteRegistrar[] = [registerOrganizationRoutes, registerDeliveryRoutes, registerHoldRoutes, registerOpenApiRoute];
