/**
 * Generated from openapi/catalog.yaml by openapi-typescript (npm run gen). Do not edit.
 */

export interface paths {
    "/products": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Browse and search products, or look several up by SKU
         * @description `q` searches names and descriptions (PostgreSQL full-text search with
         *     web-search syntax: words, "quoted phrases", `or`, `-excluded`; a name
         *     match ranks above a description match) and SKUs by prefix (a SKU
         *     prefix match ranks first). `skus` looks up to 100 products at once
         *     (unknown SKUs are simply absent from the answer; pass `limit=100` to
         *     get them all on one page). Filters combine.
         *
         *     Order: `relevance` (the default with `q`), `newest` (the default
         *     otherwise) or `name`.
         *
         *     Inactive products are left out unless `includeInactive=true`, which
         *     needs `admin` or `service` (401 without a token, 403 for other roles).
         */
        get: operations["listProducts"];
        put?: never;
        /**
         * Add a product (admin)
         * @description A product with this SKU already exists → 409 `sku-taken`.
         */
        post: operations["createProduct"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/products/{sku}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                sku: components["parameters"]["Sku"];
            };
            cookie?: never;
        };
        /**
         * One product
         * @description An inactive product is 404 except for `admin` and `service` callers.
         */
        get: operations["getProduct"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /**
         * Change some of a product's fields (admin)
         * @description Fields left out keep their value; at least one must be given.
         */
        patch: operations["updateProduct"];
        trace?: never;
    };
    "/products/{sku}/deactivate": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                sku: components["parameters"]["Sku"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Stop selling a product (admin); idempotent */
        post: operations["deactivateProduct"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/products/{sku}/activate": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                sku: components["parameters"]["Sku"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Sell a product again (admin); idempotent */
        post: operations["activateProduct"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/categories": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Categories with active products, and how many each has */
        get: operations["listCategories"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        /** @example TSHIRT-BLUE-M */
        Sku: string;
        /**
         * @description A slug, lower case words joined by single hyphens
         * @example t-shirts
         */
        Category: string;
        /**
         * @description An ISO 4217 currency code in upper case. The pattern lists every code
         *     accepted (the validation reads it from here).
         * @example USD
         */
        Currency: string;
        Price: {
            /** @description Per unit, in the currency's minor units (cents) */
            amount: components["schemas"]["UnitPrice"];
            currency: components["schemas"]["Currency"];
        };
        /** @description Not blank; kept without leading and trailing spaces */
        ProductName: string;
        Description: string;
        /** @description Image URLs (http or https), the first one is the main image */
        Images: string[];
        CreateProductRequest: {
            sku: components["schemas"]["Sku"];
            name: components["schemas"]["ProductName"];
            /** @description Empty when left out */
            description?: components["schemas"]["Description"];
            price: components["schemas"]["Price"];
            /** @description None when left out */
            images?: components["schemas"]["Images"];
            category: components["schemas"]["Category"];
            /**
             * @description Left out, the product is on sale at once
             * @default true
             */
            active?: boolean;
        };
        UpdateProductRequest: {
            name?: components["schemas"]["ProductName"];
            description?: components["schemas"]["Description"];
            price?: components["schemas"]["Price"];
            images?: components["schemas"]["Images"];
            category?: components["schemas"]["Category"];
        };
        Product: {
            sku: components["schemas"]["Sku"];
            name: components["schemas"]["ProductName"];
            description: components["schemas"]["Description"];
            price: components["schemas"]["Price"];
            images: components["schemas"]["Images"];
            category: components["schemas"]["Category"];
            active: boolean;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            updatedAt: string;
        };
        ProductPage: {
            items: components["schemas"]["Product"][];
            /** @description Matching products over all pages */
            total: number;
            limit: number;
            offset: number;
        };
        CategorySummary: {
            category: components["schemas"]["Category"];
            /** @description Active products in it */
            productCount: number;
        };
        CategoryList: {
            items: components["schemas"]["CategorySummary"][];
        };
        FieldError: {
            /** @example body.price.amount */
            field: string;
            message: string;
        };
        /** @description RFC 9457 problem details */
        Problem: {
            /** @example sku-taken */
            type: string;
            title: string;
            status: number;
            detail?: string;
            instance?: string;
            errors?: components["schemas"]["FieldError"][];
        } & {
            [key: string]: unknown;
        };
        /** @description The price of one unit, in the currency's minor units (cents) */
        UnitPrice: number;
        /** @description 1-255 printable ASCII characters, no spaces (as Stripe's keys). */
        IdempotencyKey: string;
    };
    responses: {
        /** @description No access token, or an invalid or expired one */
        Unauthorized: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description The caller's roles do not allow this */
        Forbidden: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description The request is malformed or a field is invalid; `errors` names each field. */
        BadRequest: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description No such product (or it is inactive and the caller may not see it) */
        NotFound: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description `sku-taken`: a product with this SKU exists. */
        Conflict: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description The request body is over the size limit */
        TooLarge: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description `idempotency-key-reused`: the key was used for another request. */
        Unprocessable: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
    };
    parameters: {
        Sku: components["schemas"]["Sku"];
        /** @description Items per page */
        Limit: number;
        /** @description Items to skip */
        Offset: number;
        /**
         * @description Optional: a key the client makes for one intended operation (a UUID,
         *     say). A repeat with the same key and request gets the stored response
         *     (`Idempotent-Replayed: true`); the same key with another request is
         *     refused with 422 `idempotency-key-reused`. Keys belong to their
         *     caller.
         */
        IdempotencyKeyOptional: components["schemas"]["IdempotencyKey"];
    };
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    listProducts: {
        parameters: {
            query?: {
                /** @description Search text. Blank (empty, or only spaces) is no search, as when `q` is left out. */
                q?: string;
                category?: components["schemas"]["Category"];
                /** @description SKUs to look up, comma-separated (`?skus=A-1,B-2`; at most 100). */
                skus?: components["schemas"]["Sku"][];
                /** @description Also list inactive products (`admin` and `service` only). */
                includeInactive?: "true" | "false";
                sort?: "relevance" | "newest" | "name";
                /** @description Items per page */
                limit?: components["parameters"]["Limit"];
                /** @description Items to skip */
                offset?: components["parameters"]["Offset"];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of products */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProductPage"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
        };
    };
    createProduct: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description Optional: a key the client makes for one intended operation (a UUID,
                 *     say). A repeat with the same key and request gets the stored response
                 *     (`Idempotent-Replayed: true`); the same key with another request is
                 *     refused with 422 `idempotency-key-reused`. Keys belong to their
                 *     caller.
                 */
                "Idempotency-Key"?: components["parameters"]["IdempotencyKeyOptional"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateProductRequest"];
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Product"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["TooLarge"];
            422: components["responses"]["Unprocessable"];
        };
    };
    getProduct: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                sku: components["parameters"]["Sku"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The product */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Product"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
        };
    };
    updateProduct: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description Optional: a key the client makes for one intended operation (a UUID,
                 *     say). A repeat with the same key and request gets the stored response
                 *     (`Idempotent-Replayed: true`); the same key with another request is
                 *     refused with 422 `idempotency-key-reused`. Keys belong to their
                 *     caller.
                 */
                "Idempotency-Key"?: components["parameters"]["IdempotencyKeyOptional"];
            };
            path: {
                sku: components["parameters"]["Sku"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateProductRequest"];
            };
        };
        responses: {
            /** @description The changed product */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Product"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["TooLarge"];
            422: components["responses"]["Unprocessable"];
        };
    };
    deactivateProduct: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description Optional: a key the client makes for one intended operation (a UUID,
                 *     say). A repeat with the same key and request gets the stored response
                 *     (`Idempotent-Replayed: true`); the same key with another request is
                 *     refused with 422 `idempotency-key-reused`. Keys belong to their
                 *     caller.
                 */
                "Idempotency-Key"?: components["parameters"]["IdempotencyKeyOptional"];
            };
            path: {
                sku: components["parameters"]["Sku"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The product, inactive */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Product"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            422: components["responses"]["Unprocessable"];
        };
    };
    activateProduct: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description Optional: a key the client makes for one intended operation (a UUID,
                 *     say). A repeat with the same key and request gets the stored response
                 *     (`Idempotent-Replayed: true`); the same key with another request is
                 *     refused with 422 `idempotency-key-reused`. Keys belong to their
                 *     caller.
                 */
                "Idempotency-Key"?: components["parameters"]["IdempotencyKeyOptional"];
            };
            path: {
                sku: components["parameters"]["Sku"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The product, active */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Product"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            422: components["responses"]["Unprocessable"];
        };
    };
    listCategories: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Categories by slug */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CategoryList"];
                };
            };
            401: components["responses"]["Unauthorized"];
        };
    };
}
