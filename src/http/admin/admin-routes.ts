import type { AdminRouteRegistrar } from './admin-deps';
import { registerOrganizationRoutes } from './organization-routes';
import { registerDeliveryRoutes } from './delivery-routes';
import { registerOpenApiRoute } from './openapi-route';
import { registerDirectoryHealthRoutes } from './directory-health-routes';
import { registerAttributeMappingRoutes } from './attribute-mapping-routes';
import { registerHoldRoutes } from './hold-routes';

/**
 * Every area of the admin API registers here, one line each
 * (organizations and portal links, delivery and sinks, …).
 */
export const ADMIN_ROUTE_REGISTRARS: AdminRouteRegistrar[] = [registerOrganizationRoutes, registerDeliveryRoutes, registerDirectoryHealthRoutes, registerAttributeMappingRoutes, registerHoldRoutes, registerOpenApiRoute];
